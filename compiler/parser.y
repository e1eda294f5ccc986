/* parser.y - the bison grammar of the .mpc language. It builds the syntax
 * tree (ast.h) in the compilation's arena and reports syntax errors with
 * locations, recovering at ';' and '}' so that several are reported at once.
 * It resolves no names and checks no types (sema*.c do). */
%code top {
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
}

%code requires {
#include "ast.h"
#include "parse.h"
typedef void *yyscan_t;
}

%code provides {
int yylex(YYSTYPE *yylval_param, YYLTYPE *yylloc_param, yyscan_t yyscanner);
}

%code {
static void yyerror(YYLTYPE *l, struct mpcc_parse *ps, yyscan_t scanner, const char *msg);

static struct ast_loc P_LOC(struct mpcc_parse *ps, YYLTYPE l)
{
    struct ast_loc loc = { ps->file, l.first_line, l.first_column };
    return loc;
}
#define LOC(l) P_LOC(ps, (l))
#define NEW(T) ((T *)ast_alloc(ps->arena, sizeof(T)))
/* On allocation failure the node is NULL: stop parsing (the caller reports). */
#define CHECK(p)                                                            \
    do {                                                                    \
        if ((p) == NULL)                                                    \
            YYNOMEM;                                                        \
    } while (0)

static void p_error(struct mpcc_parse *ps, YYLTYPE l, const char *msg)
{
    diag_error(ps->diags, P_LOC(ps, l), "%s", msg);
    ps->n_errors++;
}

static struct ast_expr *p_expr(struct mpcc_parse *ps, enum ast_expr_kind k, YYLTYPE l)
{
    struct ast_expr *e = NEW(struct ast_expr);
    if (e != NULL) {
        e->kind = k;
        e->loc = LOC(l);
    }
    return e;
}

static struct ast_expr *p_bin(struct mpcc_parse *ps, int op, struct ast_expr *a, struct ast_expr *b,
                              YYLTYPE l)
{
    struct ast_expr *e = p_expr(ps, AE_BINARY, l);
    if (e != NULL) {
        e->op = op;
        e->a = a;
        e->b = b;
    }
    return e;
}

static struct ast_stmt *p_stmt(struct mpcc_parse *ps, enum ast_stmt_kind k, YYLTYPE l)
{
    struct ast_stmt *s = NEW(struct ast_stmt);
    if (s != NULL) {
        s->kind = k;
        s->loc = LOC(l);
    }
    return s;
}

static struct ast_item *p_item(struct mpcc_parse *ps, enum ast_item_kind k, YYLTYPE l)
{
    struct ast_item *it = NEW(struct ast_item);
    if (it != NULL) {
        it->kind = k;
        it->loc = LOC(l);
    }
    return it;
}

static struct ast_tref *p_tref_builtin(struct mpcc_parse *ps, int code, YYLTYPE l)
{
    struct ast_tref *t = NEW(struct ast_tref);
    if (t != NULL) {
        t->kind = code == 0 ? ATR_BOOL : code >= LEX_FIXED_CODE ? ATR_FIXED : code > 0 ? ATR_UINT : ATR_INT;
        t->width = code == 0 ? 1 : code >= LEX_FIXED_CODE ? (uint32_t)(code - LEX_FIXED_CODE)
                                 : (uint32_t)(code > 0 ? code : -code);
        t->loc = LOC(l);
    }
    return t;
}
}

%define api.pure full
%define parse.error detailed
%locations
%expect 0
%parse-param {struct mpcc_parse *ps} {yyscan_t scanner}
%lex-param {yyscan_t scanner}

%union {
    char *str;
    int tval;
    int op;
    struct ast_expr *expr;
    struct ast_stmt *stmt;
    struct ast_item *item;
    struct ast_name *name;
    struct ast_field *field;
    struct ast_tref *tref;
}

/* Every semantic value lives in the compilation's arena, which is freed as a
 * whole after the compilation: values that error recovery drops need no
 * freeing, so the destructor only documents that. */
%destructor { (void)$$; } <*>

%token PARTY "party" CONST "const" STRUCT "struct" INPUT "input" OUTPUT "output"
%token FN "fn" RETURN "return" IF "if" ELSE "else" FOR "for" IN "in" IMPORT "import"
%token STATIC_ASSERT "static_assert"
%token WHILE "while" BREAK "break" CONTINUE "continue"
%token ALL "all" TRUE_ "true" FALSE_ "false" GUINT "uint" GINT "int" GFIXED "fixed"
%token <tval> TYPE "type name"
%token <str> IDENT "identifier" INTLIT "integer literal" STRING "string" DECLIT "decimal literal"
%token ARROW "->" DOTDOT ".." ANDAND "&&" OROR "||" EQ "==" NE "!=" LE "<=" GE ">="
%token SHL "<<" SHR ">>"
%token <op> ASSIGN_OP "compound assignment"
%token SLBRACE "'{' of a struct literal"

%type <item> items item
%type <name> name_list recipients generics
%type <field> fields field params param_list param
%type <tref> tref
%type <expr> expr postfix primary dims expr_list opt_expr_list width field_inits field_init struct_body
%type <stmt> stmt stmts block

%precedence THEN
%precedence ELSE
%right '?' ':'
%left OROR
%left ANDAND
%left '|'
%left '^'
%left '&'
%left EQ NE
%left '<' LE '>' GE
%left SHL SHR
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY

%%

program:
  items                              { ps->items = ast_item_reverse($1); }
;

items:
  %empty                             { $$ = NULL; }
| items item                         { $$ = $1; if ($2 != NULL) { $2->next = $$; $$ = $2; } }
;

item:
  PARTY name_list ';'                { CHECK($$ = p_item(ps, AI_PARTY, @1)); $$->names = ast_name_reverse($2); }
| CONST IDENT '=' expr ';'           { CHECK($$ = p_item(ps, AI_CONST, @1)); $$->name = $2; $$->name_loc = LOC(@2); $$->value = $4; }
| CONST tref IDENT dims '=' expr ';' {
                                       CHECK($$ = p_item(ps, AI_CONST, @1)); $$->tref = $2; $$->name = $3;
                                       $$->name_loc = LOC(@3); $$->dims = ast_expr_reverse($4); $$->value = $6;
                                     }
| STRUCT IDENT '{' fields '}'        { CHECK($$ = p_item(ps, AI_STRUCT, @1)); $$->name = $2; $$->name_loc = LOC(@2); $$->fields = ast_field_reverse($4); }
| INPUT IDENT tref IDENT dims ';'    {
                                       CHECK($$ = p_item(ps, AI_INPUT, @1));
                                       CHECK($$->owner = NEW(struct ast_name));
                                       $$->owner->name = $2; $$->owner->loc = LOC(@2);
                                       $$->tref = $3; $$->name = $4; $$->name_loc = LOC(@4); $$->dims = ast_expr_reverse($5);
                                     }
| FN IDENT generics '(' params ')' ARROW tref dims block {
                                       CHECK($$ = p_item(ps, AI_FN, @1)); $$->name = $2; $$->name_loc = LOC(@2);
                                       $$->generics = $3; $$->fields = $5; $$->tref = $8; $$->dims = ast_expr_reverse($9); $$->body = $10;
                                     }
| FN IDENT generics '(' params ')' block {
                                       CHECK($$ = p_item(ps, AI_FN, @1)); $$->name = $2; $$->name_loc = LOC(@2);
                                       $$->generics = $3; $$->fields = $5; $$->body = $7;
                                     }
| OUTPUT recipients IDENT ';'        { CHECK($$ = p_item(ps, AI_OUTPUT, @1)); $$->names = $2; $$->name = $3; $$->name_loc = LOC(@3); }
| OUTPUT recipients IDENT '=' expr ';' { CHECK($$ = p_item(ps, AI_OUTPUT, @1)); $$->names = $2; $$->name = $3; $$->name_loc = LOC(@3); $$->value = $5; }
| IMPORT STRING ';'                  { CHECK($$ = p_item(ps, AI_IMPORT, @1)); $$->name = $2; $$->name_loc = LOC(@2); }
| stmt                               { $$ = NULL; if ($1 != NULL) { CHECK($$ = p_item(ps, AI_STMT, @1)); $$->body = $1; } }
;

recipients:
  ALL                                { $$ = NULL; }
| name_list                          { $$ = ast_name_reverse($1); }
;

name_list:
  IDENT                              { CHECK($$ = NEW(struct ast_name)); $$->name = $1; $$->loc = LOC(@1); }
| name_list ',' IDENT                { CHECK($$ = NEW(struct ast_name)); $$->name = $3; $$->loc = LOC(@3); $$->next = $1; }
;

fields:
  field                              { $$ = $1; }
| fields field                       { $$ = $2; $$->next = $1; }
;

field:
  tref IDENT dims ';'                { CHECK($$ = NEW(struct ast_field)); $$->tref = $1; $$->name = $2; $$->loc = LOC(@2); $$->dims = ast_expr_reverse($3); }
;

generics:
  %empty                             { $$ = NULL; }
| '<' name_list '>'                  { $$ = ast_name_reverse($2); }
;

params:
  %empty                             { $$ = NULL; }
| param_list                         { $$ = ast_field_reverse($1); }
;

param_list:
  param                              { $$ = $1; }
| param_list ',' param               { $$ = $3; $$->next = $1; }
;

param:
  tref IDENT dims                    { CHECK($$ = NEW(struct ast_field)); $$->tref = $1; $$->name = $2; $$->loc = LOC(@2); $$->dims = ast_expr_reverse($3); }
| CONST IDENT                        { CHECK($$ = NEW(struct ast_field)); $$->tref = NULL; $$->name = $2; $$->loc = LOC(@2); }
;

tref:
  TYPE                               { CHECK($$ = p_tref_builtin(ps, $1, @1)); }
| IDENT                              { CHECK($$ = NEW(struct ast_tref)); $$->kind = ATR_NAMED; $$->name = $1; $$->loc = LOC(@1); }
| GUINT '<' width '>'                { CHECK($$ = NEW(struct ast_tref)); $$->kind = ATR_UINT; $$->width_expr = $3; $$->loc = LOC(@1); }
| GINT '<' width '>'                 { CHECK($$ = NEW(struct ast_tref)); $$->kind = ATR_INT; $$->width_expr = $3; $$->loc = LOC(@1); }
| GFIXED '<' width '>'               { CHECK($$ = NEW(struct ast_tref)); $$->kind = ATR_FIXED; $$->width_expr = $3; $$->loc = LOC(@1); }
;

/* The width in uint<W>: a literal, a name or a parenthesised expression
 * (so that '>' ends it). */
width:
  INTLIT                             { CHECK($$ = p_expr(ps, AE_INT, @1)); $$->text = $1; }
| IDENT                              { CHECK($$ = p_expr(ps, AE_NAME, @1)); $$->name = $1; }
| '(' expr ')'                       { $$ = $2; }
;

/* Array dimensions, built in reverse (callers reverse). */
dims:
  %empty                             { $$ = NULL; }
| dims '[' expr ']'                  { $$ = $3; $$->next = $1; }
;

block:
  '{' stmts '}'                      { CHECK($$ = p_stmt(ps, AS_BLOCK, @1)); $$->body = ast_stmt_reverse($2); }
;

stmts:
  %empty                             { $$ = NULL; }
| stmts stmt                         { $$ = $1; if ($2 != NULL) { $2->next = $$; $$ = $2; } }
;

stmt:
  tref IDENT dims ';'                { CHECK($$ = p_stmt(ps, AS_DECL, @2)); $$->tref = $1; $$->name = $2; $$->dims = ast_expr_reverse($3); }
| tref IDENT dims '=' expr ';'       { CHECK($$ = p_stmt(ps, AS_DECL, @2)); $$->tref = $1; $$->name = $2; $$->dims = ast_expr_reverse($3); $$->init = $5; }
| expr '=' expr ';'                  { CHECK($$ = p_stmt(ps, AS_ASSIGN, @2)); $$->lhs = $1; $$->op = '='; $$->rhs = $3; }
| expr ASSIGN_OP expr ';'            { CHECK($$ = p_stmt(ps, AS_ASSIGN, @2)); $$->lhs = $1; $$->op = $2; $$->rhs = $3; }
| expr ';'                           { CHECK($$ = p_stmt(ps, AS_EXPR, @1)); $$->rhs = $1; }
| IF '(' expr ')' stmt %prec THEN    { CHECK($$ = p_stmt(ps, AS_IF, @1)); $$->cond = $3; $$->then_s = $5; }
| IF '(' expr ')' stmt ELSE stmt     { CHECK($$ = p_stmt(ps, AS_IF, @1)); $$->cond = $3; $$->then_s = $5; $$->else_s = $7; }
| IF '(' expr '=' expr ')' stmt %prec THEN {
                                       (void)$3; (void)$5; (void)$7;
                                       p_error(ps, @4, "'=' assigns; use '==' to compare in a condition");
                                       $$ = NULL;
                                     }
| IF '(' expr '=' expr ')' stmt ELSE stmt {
                                       (void)$3; (void)$5; (void)$7; (void)$9;
                                       p_error(ps, @4, "'=' assigns; use '==' to compare in a condition");
                                       $$ = NULL;
                                     }
| FOR '(' error ')' stmt             {
                                       (void)$5;
                                       p_error(ps, @1, "for loops are written 'for i in A..B { ... }' with constant bounds A and B");
                                       $$ = NULL;
                                     }
| WHILE '(' expr ')' stmt            {
                                       (void)$3; (void)$5;
                                       p_error(ps, @1, "there are no while loops: a circuit has a fixed size, so every loop "
                                               "needs constant bounds; write 'for i in 0..MAX { if (!(cond)) { break; } ... }'");
                                       $$ = NULL;
                                     }
| WHILE '(' error ')' stmt           {
                                       (void)$5;
                                       p_error(ps, @1, "there are no while loops: a circuit has a fixed size, so every loop "
                                               "needs constant bounds; write 'for i in 0..MAX { if (!(cond)) { break; } ... }'");
                                       $$ = NULL;
                                     }
| BREAK ';'                          { CHECK($$ = p_stmt(ps, AS_BREAK, @1)); }
| CONTINUE ';'                       { CHECK($$ = p_stmt(ps, AS_CONTINUE, @1)); }
| FOR IDENT IN expr DOTDOT expr block {
                                       CHECK($$ = p_stmt(ps, AS_FOR, @1)); $$->name = $2; $$->from = $4; $$->to = $6;
                                       $$->body = $7; $$->lhs = NULL;
                                     }
| RETURN expr ';'                    { CHECK($$ = p_stmt(ps, AS_RETURN, @1)); $$->rhs = $2; }
| STATIC_ASSERT '(' expr ',' STRING ')' ';' { CHECK($$ = p_stmt(ps, AS_ASSERT, @1)); $$->cond = $3; $$->name = $5; }
| RETURN ';'                         { CHECK($$ = p_stmt(ps, AS_RETURN, @1)); }
| block                              { $$ = $1; }
| ';'                                { CHECK($$ = p_stmt(ps, AS_BLOCK, @1)); }
| error ';'                          { $$ = NULL; }
| error '}'                          { $$ = NULL; }
;

expr:
  postfix                            { $$ = $1; }
| '-' expr %prec UNARY               { CHECK($$ = p_expr(ps, AE_UNARY, @1)); $$->op = '-'; $$->a = $2; }
| '~' expr %prec UNARY               { CHECK($$ = p_expr(ps, AE_UNARY, @1)); $$->op = '~'; $$->a = $2; }
| '!' expr %prec UNARY               { CHECK($$ = p_expr(ps, AE_UNARY, @1)); $$->op = '!'; $$->a = $2; }
| expr '*' expr                      { CHECK($$ = p_bin(ps, '*', $1, $3, @2)); }
| expr '/' expr                      { CHECK($$ = p_bin(ps, '/', $1, $3, @2)); }
| expr '%' expr                      { CHECK($$ = p_bin(ps, '%', $1, $3, @2)); }
| expr '+' expr                      { CHECK($$ = p_bin(ps, '+', $1, $3, @2)); }
| expr '-' expr                      { CHECK($$ = p_bin(ps, '-', $1, $3, @2)); }
| expr SHL expr                      { CHECK($$ = p_bin(ps, SHL, $1, $3, @2)); }
| expr SHR expr                      { CHECK($$ = p_bin(ps, SHR, $1, $3, @2)); }
| expr '<' expr                      { CHECK($$ = p_bin(ps, '<', $1, $3, @2)); }
| expr LE expr                       { CHECK($$ = p_bin(ps, LE, $1, $3, @2)); }
| expr '>' expr                      { CHECK($$ = p_bin(ps, '>', $1, $3, @2)); }
| expr GE expr                       { CHECK($$ = p_bin(ps, GE, $1, $3, @2)); }
| expr EQ expr                       { CHECK($$ = p_bin(ps, EQ, $1, $3, @2)); }
| expr NE expr                       { CHECK($$ = p_bin(ps, NE, $1, $3, @2)); }
| expr '&' expr                      { CHECK($$ = p_bin(ps, '&', $1, $3, @2)); }
| expr '^' expr                      { CHECK($$ = p_bin(ps, '^', $1, $3, @2)); }
| expr '|' expr                      { CHECK($$ = p_bin(ps, '|', $1, $3, @2)); }
| expr ANDAND expr                   { CHECK($$ = p_bin(ps, ANDAND, $1, $3, @2)); }
| expr OROR expr                     { CHECK($$ = p_bin(ps, OROR, $1, $3, @2)); }
| expr '?' expr ':' expr             { CHECK($$ = p_expr(ps, AE_COND, @2)); $$->a = $1; $$->b = $3; $$->c = $5; }
;

postfix:
  primary                            { $$ = $1; }
| postfix '[' expr ']'               { CHECK($$ = p_expr(ps, AE_INDEX, @2)); $$->a = $1; $$->b = $3; }
| postfix '.' IDENT                  { CHECK($$ = p_expr(ps, AE_FIELD, @3)); $$->a = $1; $$->name = $3; }
;

primary:
  INTLIT                             { CHECK($$ = p_expr(ps, AE_INT, @1)); $$->text = $1; }
| DECLIT                             { CHECK($$ = p_expr(ps, AE_DEC, @1)); $$->text = $1; }
| TRUE_                              { CHECK($$ = p_expr(ps, AE_BOOL, @1)); $$->op = 1; }
| FALSE_                             { CHECK($$ = p_expr(ps, AE_BOOL, @1)); $$->op = 0; }
| IDENT                              { CHECK($$ = p_expr(ps, AE_NAME, @1)); $$->name = $1; }
| IDENT '(' opt_expr_list ')'        { CHECK($$ = p_expr(ps, AE_CALL, @1)); $$->name = $1; $$->args = $3; }
| TYPE '(' expr ')'                  { CHECK($$ = p_expr(ps, AE_CAST, @1)); CHECK($$->tref = p_tref_builtin(ps, $1, @1)); $$->a = $3; }
| GUINT '<' width '>' '(' expr ')'   {
                                       CHECK($$ = p_expr(ps, AE_CAST, @1)); CHECK($$->tref = NEW(struct ast_tref));
                                       $$->tref->kind = ATR_UINT; $$->tref->width_expr = $3; $$->tref->loc = LOC(@1); $$->a = $6;
                                     }
| GINT '<' width '>' '(' expr ')'    {
                                       CHECK($$ = p_expr(ps, AE_CAST, @1)); CHECK($$->tref = NEW(struct ast_tref));
                                       $$->tref->kind = ATR_INT; $$->tref->width_expr = $3; $$->tref->loc = LOC(@1); $$->a = $6;
                                     }
| GFIXED '<' width '>' '(' expr ')'  {
                                       CHECK($$ = p_expr(ps, AE_CAST, @1)); CHECK($$->tref = NEW(struct ast_tref));
                                       $$->tref->kind = ATR_FIXED; $$->tref->width_expr = $3; $$->tref->loc = LOC(@1); $$->a = $6;
                                     }
| '(' expr ')'                       { $$ = $2; }
| '[' opt_expr_list ']'              { CHECK($$ = p_expr(ps, AE_ARRAY, @1)); $$->args = $2; }
| IDENT struct_body                  {
                                       $$ = $2; $$->loc = LOC(@1); CHECK($$->tref = NEW(struct ast_tref));
                                       $$->tref->kind = ATR_NAMED; $$->tref->name = $1; $$->tref->loc = LOC(@1);
                                     }
| struct_body                        { $$ = $1; }
;

/* {name: value, ...}: a struct literal (Name{...} gives its type). */
struct_body:
  SLBRACE field_inits '}'            { CHECK($$ = p_expr(ps, AE_STRUCT, @1)); $$->args = ast_expr_reverse($2); }
| SLBRACE field_inits ',' '}'        { CHECK($$ = p_expr(ps, AE_STRUCT, @1)); $$->args = ast_expr_reverse($2); }
;

field_inits:
  field_init                         { $$ = $1; }
| field_inits ',' field_init         { $$ = $3; $$->next = $1; }
;

field_init:
  IDENT ':' expr                     { CHECK($$ = p_expr(ps, AE_FIELD_INIT, @1)); $$->name = $1; $$->a = $3; }
;

opt_expr_list:
  %empty                             { $$ = NULL; }
| expr_list                          { $$ = ast_expr_reverse($1); }
;

expr_list:
  expr                               { $$ = $1; }
| expr_list ',' expr                 { $$ = $3; $$->next = $1; }
;

%%

#include "lexer.h"

static void yyerror(YYLTYPE *l, struct mpcc_parse *ps, yyscan_t scanner, const char *msg)
{
    (void)scanner;
    diag_error(ps->diags, P_LOC(ps, *l), "%s", msg);
    ps->n_errors++;
}

int mpcc_parse_text(struct mpcc_parse *ps, const char *text, size_t len)
{
    yyscan_t scanner;
    if (yylex_init_extra(ps, &scanner) != 0) {
        ps->arena->failed = 1;
        return 1;
    }
    ps->line = 1;
    ps->col = 1;
    YY_BUFFER_STATE buf = yy_scan_bytes(text, (int)len, scanner);
    if (buf == NULL) {
        yylex_destroy(scanner);
        ps->arena->failed = 1;
        return 1;
    }
    int rc = yyparse(ps, scanner);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    /* rc == 2: the arena failed (already flagged) or bison's stack is
     * exhausted (reported through yyerror as a syntax error). */
    if (rc != 0 && ps->n_errors == 0)
        ps->n_errors = 1;
    return ps->n_errors;
}
