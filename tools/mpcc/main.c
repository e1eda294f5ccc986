/* main.c of mpcc - the command-line driver (argument parsing and printing only). */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "%s: no commands yet\n", argv[0]);
    return 2;
}
