/* main.c of mpcrun - runs a compiled program (.circ) or a raw Bristol Fashion
 * circuit as one party of a garbled-circuit computation (two parties, or
 * more with a roster: input/output parties around a garbler and an
 * evaluator), or every party in one process (--local). Argument parsing, input collection and
 * output printing only: the protocol is libmpcc (include/mpcc/mpcc.h). */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "circuits/bristol.h"
#include "circuits/compact.h"
#include "circuits/hexval.h"
#include "circuits/program.h"
#include "circuits/values.h"
#include "mpcc/mpcc.h"
#include "runtime/net/net.h"
#include "runtime/net/net_identity.h"
#include "runtime/net/net_tls.h"
#include "progress_line.h"

#define MAX_INPUT_ARGS 4096
#define MAX_PEER_ARGS 1024

static const char usage[] =
    "usage: mpcrun PROGRAM.circ --party NAME (--listen HOST:PORT | --connect HOST:PORT)\n"
    "              [--input NAME=VALUE]... [--input-file FILE]... [options]\n"
    "       mpcrun PROGRAM.circ --local [--input PARTY:NAME=VALUE]... [options]\n"
    "       mpcrun CIRCUIT.txt --bristol --party 1|2 (--listen ...|--connect ...)\n"
    "              [--input K=HEX]...\n"
    "       mpcrun PROGRAM.circ --party NAME (--parties FILE | --peer NAME=HOST:PORT...)\n"
    "              [--garbler-party NAME --evaluator-party NAME] [--input ...] [options]\n"
    "       mpcrun keygen FILE\n"
    "\n"
    "Runs a two-party computation: the garbler (the program's first party unless\n"
    "--garbler/--evaluator say otherwise) and the evaluator, each on its own host.\n"
    "A program with more parties runs with a roster (below), by default with\n"
    "N-party garbling (--protocol bmr): every party garbles, one evaluates, and\n"
    "no coalition short of all the others learns a party's inputs.\n"
    "Each party prints the outputs the program reveals to it, NAME = VALUE per line.\n"
    "\n"
    "options:\n"
    "  --party NAME          which party of the program this process is\n"
    "  --listen HOST:PORT    wait for the other party here (\":7000\" = all interfaces)\n"
    "  --connect HOST:PORT   connect to the other party (retried until the timeout)\n"
    "  --input NAME=VALUE    one of this party's inputs: 42, -7, 0xff, true,\n"
    "                        [1, 2, 3], {age: 70, diabetic: true}\n"
    "  --input-file FILE     inputs as NAME = VALUE lines (# starts a comment;\n"
    "                        also spelt --inputs, as in mpcc)\n"
    "  --garbler, --evaluator  choose this party's role explicitly\n"
    "Every link is TLS 1.3. Without certificates each party uses a fresh key:\n"
    "encrypted against eavesdroppers, not authenticated against a man in the\n"
    "middle; certificates or a session secret authenticate it.\n"
    "  --session-secret-file FILE  a secret every party holds (16 to 4096 bytes):\n"
    "                        each link proves both ends know it (authenticated)\n"
    "  --identity FILE       a persistent key of ours (made by 'mpcrun keygen FILE')\n"
    "  --peer-fingerprint NAME=SHA256:HEX  the key party NAME must present\n"
    "                        (authenticates that peer; also a roster column)\n"
    "  --insecure-plaintext[=force]  plain TCP, for loopback tests only (warns;\n"
    "                        refused for a peer on another host unless =force)\n"
    "  --tls-cert FILE       this party's certificate (PEM): mutual certificate checks\n"
    "  --tls-key FILE        its private key (PEM)\n"
    "  --tls-ca FILE         CA certificate the peer's certificate must chain to\n"
    "  --tls-peer-cert FILE  pin the peer's exact certificate (instead of or with a CA)\n"
    "  --timeout SECONDS     give up when the peer is silent this long (default 30)\n"
    "  --json                print the outputs as one JSON object\n"
    "  --stats               print gate counts, bytes and time per phase to stderr\n"
    "  --garbling auto|halfgates|threehalves  how AND gates are garbled (two computing\n"
    "                        parties): halfgates 32 bytes per AND, least CPU;\n"
    "                        threehalves 25 bytes per AND, 1.5x the hashing, for\n"
    "                        links slower than the CPU; auto (the default) picks\n"
    "                        threehalves when the link's round trip (as the\n"
    "                        kernel measured it) is 1 ms or more. Explicit\n"
    "                        choices must agree\n"
    "  --progress            show progress (phase, AND gates done, rate, ETA, bytes) on\n"
    "                        stderr even for short runs, as plain lines when stderr is\n"
    "                        not a terminal (on a terminal it shows by itself after 1 s)\n"
    "  --quiet               no progress line\n"
    "  --local               run every party in this process (inputs PARTY:NAME=VALUE)\n"
    "  --bristol             CIRCUIT is raw Bristol Fashion; parties are 1 and 2, input K\n"
    "                        is given as hex by exactly one party, outputs print as hex\n"
    "\n"
    "More than two parties (also a two-party program given a roster):\n"
    "  --protocol bmr|yao    bmr (the default for 3 or more parties): every party\n"
    "                        garbles, secure against any coalition of all but one;\n"
    "                        yao (the default for 2): two parties compute, the others\n"
    "                        XOR-share inputs to them; faster, but the garbler and\n"
    "                        the evaluator together learn every input\n"
    "  --parties FILE        roster: one 'NAME HOST:PORT [CERT.pem]' line per party\n"
    "                        ('#' comments); bmr, and any two parties: each party\n"
    "                        listens at its address for the parties declared after\n"
    "                        it (the last needs no port); yao with more: the\n"
    "                        garbler and the evaluator listen, the others connect\n"
    "                        (and need no port)\n"
    "  --peer NAME=HOST:PORT one roster entry (repeatable; adds to --parties)\n"
    "  --garbler-party NAME, --evaluator-party NAME\n"
    "                        which two parties compute (default: the first two\n"
    "                        declared; bmr uses only the evaluator); every party\n"
    "                        must say the same\n"
    "  --listen HOST:PORT    listen here instead of our roster address (port 0:\n"
    "                        a free port, printed to stderr)\n"
    "  with TLS, --tls-ca and/or the roster's certificates check each peer\n"
    "  --help, --version\n"
    "\n"
    "Options take their value as '--opt value' or '--opt=value', in any order.\n";

struct options {
    const char *path;
    const char *party;
    const char *listen;
    const char *connect;
    struct net_tls_config tls; /* on when tls.cert_file is set */
    const char *inputs[MAX_INPUT_ARGS];
    size_t n_inputs;
    const char *input_files[MAX_INPUT_ARGS];
    size_t n_input_files;
    const char *roster_file;
    const char *peers[MAX_PEER_ARGS];
    size_t n_peers;
    const char *garbler_party, *evaluator_party;
    int role; /* -1 default */
    int timeout_s;
    bool json, stats, local, bristol;
    int plaintext; /* 0: TLS (the default), 1: --insecure-plaintext, 2: =force */
    const char *secret_file;
    uint8_t secret[NET_TLS_SECRET_MAX + 1];
    const char *peer_fps[MAX_PEER_ARGS]; /* --peer-fingerprint NAME=FP */
    size_t n_peer_fps;
    int protocol; /* -1: by party count (bmr for 3 or more), else enum mpcc_mp_protocol */
    enum mpcc_garbling garbling;
    enum status_mode progress;
};

static int fail_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mpcrun: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see mpcrun --help)\n");
    va_end(ap);
    return 2;
}

enum {
    OPT_JSON = 256, OPT_STATS, OPT_LOCAL, OPT_BRISTOL, OPT_GARBLER, OPT_EVALUATOR, OPT_PARTIES, OPT_PEER,
    OPT_GARBLER_PARTY, OPT_EVALUATOR_PARTY, OPT_PARTY, OPT_LISTEN, OPT_CONNECT, OPT_TLS_CERT, OPT_TLS_KEY,
    OPT_TLS_CA, OPT_TLS_PEER_CERT, OPT_INPUT, OPT_INPUT_FILE, OPT_TIMEOUT, OPT_VERSION, OPT_PLAINTEXT,
    OPT_SECRET_FILE, OPT_IDENTITY, OPT_PEER_FP, OPT_PROTOCOL,
    OPT_PROGRESS, OPT_QUIET, OPT_GARBLING
};

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"json", no_argument, NULL, OPT_JSON},
    {"stats", no_argument, NULL, OPT_STATS},
    {"local", no_argument, NULL, OPT_LOCAL},
    {"bristol", no_argument, NULL, OPT_BRISTOL},
    {"garbler", no_argument, NULL, OPT_GARBLER},
    {"evaluator", no_argument, NULL, OPT_EVALUATOR},
    {"parties", required_argument, NULL, OPT_PARTIES},
    {"peer", required_argument, NULL, OPT_PEER},
    {"garbler-party", required_argument, NULL, OPT_GARBLER_PARTY},
    {"evaluator-party", required_argument, NULL, OPT_EVALUATOR_PARTY},
    {"party", required_argument, NULL, OPT_PARTY},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"connect", required_argument, NULL, OPT_CONNECT},
    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"tls-ca", required_argument, NULL, OPT_TLS_CA},
    {"tls-peer-cert", required_argument, NULL, OPT_TLS_PEER_CERT},
    {"input", required_argument, NULL, OPT_INPUT},
    {"input-file", required_argument, NULL, OPT_INPUT_FILE},
    {"inputs", required_argument, NULL, OPT_INPUT_FILE}, /* mpcc's spelling */
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"insecure-plaintext", optional_argument, NULL, OPT_PLAINTEXT},
    {"session-secret-file", required_argument, NULL, OPT_SECRET_FILE},
    {"identity", required_argument, NULL, OPT_IDENTITY},
    {"peer-fingerprint", required_argument, NULL, OPT_PEER_FP},
    {"protocol", required_argument, NULL, OPT_PROTOCOL},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"garbling", required_argument, NULL, OPT_GARBLING},
    {NULL, 0, NULL, 0}
};

/* The option's name as the user wrote it (up to any '='), for messages. */
static void option_name(const char *arg, char *out, size_t n)
{
    size_t len = strcspn(arg, "=");
    snprintf(out, n, "%.*s", (int)(len > 60 ? 60 : len), arg);
}

/* GNU style (getopt_long): `--opt value` and `--opt=value`, options and
 * the file in any order, `--` ends the options. */
static int parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->role = -1;
    o->protocol = -1;
    o->timeout_s = 30;
    opterr = 0;
    optind = 0;
    for (;;) {
        int opt = getopt_long(argc, argv, ":h", long_options, NULL);
        if (opt == -1)
            break;
        char name[64];
        option_name(optind > 0 && optind <= argc ? argv[optind - 1] : "?", name, sizeof name);
        switch (opt) {
        case 'h': fputs(usage, stdout); return -1;
        case OPT_VERSION: printf("mpcrun %s (protocol %u)\n", MPCC_VERSION, MPCC_PROTOCOL_VERSION); return -1;
        case OPT_JSON: o->json = true; break;
        case OPT_STATS: o->stats = true; break;
        case OPT_LOCAL: o->local = true; break;
        case OPT_BRISTOL: o->bristol = true; break;
        case OPT_GARBLER: o->role = MPCC_GARBLER; break;
        case OPT_EVALUATOR: o->role = MPCC_EVALUATOR; break;
        case OPT_PARTIES: o->roster_file = optarg; break;
        case OPT_PEER:
            if (o->n_peers == MAX_PEER_ARGS)
                return fail_usage("too many --peer options");
            o->peers[o->n_peers++] = optarg;
            break;
        case OPT_GARBLER_PARTY: o->garbler_party = optarg; break;
        case OPT_EVALUATOR_PARTY: o->evaluator_party = optarg; break;
        case OPT_PARTY: o->party = optarg; break;
        case OPT_LISTEN: o->listen = optarg; break;
        case OPT_CONNECT: o->connect = optarg; break;
        case OPT_TLS_CERT: o->tls.cert_file = optarg; break;
        case OPT_TLS_KEY: o->tls.key_file = optarg; break;
        case OPT_TLS_CA: o->tls.ca_file = optarg; break;
        case OPT_TLS_PEER_CERT: o->tls.peer_cert_file = optarg; break;
        case OPT_INPUT:
            if (o->n_inputs == MAX_INPUT_ARGS)
                return fail_usage("too many --input options");
            o->inputs[o->n_inputs++] = optarg;
            break;
        case OPT_INPUT_FILE:
            if (o->n_input_files == MAX_INPUT_ARGS)
                return fail_usage("too many --input-file options");
            o->input_files[o->n_input_files++] = optarg;
            break;
        case OPT_TIMEOUT: {
            char *end;
            errno = 0;
            long t = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || t < 1 || t > 86400)
                return fail_usage("--timeout takes a number of seconds from 1 to 86400, not '%s'", optarg);
            o->timeout_s = (int)t;
            break;
        }
        case OPT_PLAINTEXT:
            if (optarg != NULL && strcmp(optarg, "force") != 0)
                return fail_usage("--insecure-plaintext takes no value or '=force', not '%s'", optarg);
            o->plaintext = optarg != NULL ? 2 : 1;
            break;
        case OPT_SECRET_FILE: o->secret_file = optarg; break;
        case OPT_IDENTITY: o->tls.identity_file = optarg; break;
        case OPT_PEER_FP: {
            const char *eq = strchr(optarg, '=');
            uint8_t fp[NET_FINGERPRINT_LEN];
            if (eq == NULL || eq == optarg || !net_fingerprint_parse(eq + 1, fp))
                return fail_usage("--peer-fingerprint takes NAME=SHA256:HEX (64 hex digits, as keygen prints), "
                                  "not '%s'", optarg);
            if (o->n_peer_fps == MAX_PEER_ARGS)
                return fail_usage("too many --peer-fingerprint options");
            o->peer_fps[o->n_peer_fps++] = optarg;
            break;
        }
        case OPT_PROGRESS: o->progress = STATUS_FORCED; break;
        case OPT_QUIET: o->progress = STATUS_QUIET; break;
        case OPT_PROTOCOL:
            if (strcmp(optarg, "bmr") == 0)
                o->protocol = MPCC_MP_BMR;
            else if (strcmp(optarg, "yao") == 0)
                o->protocol = MPCC_MP_YAO;
            else
                return fail_usage("--protocol takes bmr or yao, not '%s'", optarg);
            break;
        case OPT_GARBLING: {
            int g = 0;
            while (mpcc_garbling_name(g) != NULL && strcmp(optarg, mpcc_garbling_name(g)) != 0)
                g++;
            if (mpcc_garbling_name(g) == NULL)
                return fail_usage("--garbling takes auto, halfgates or threehalves, not '%s'", optarg);
            o->garbling = (enum mpcc_garbling)g;
            break;
        }
        case ':': return fail_usage("option %s needs a value", name);
        default:
            if (optopt >= 256 && strchr(argv[optind - 1], '=') != NULL)
                return fail_usage("option %s takes no value", name);
            if (optopt > 0 && optopt < 256)
                return fail_usage("unknown option '-%c'", optopt);
            return fail_usage("unknown option '%s'", name);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (o->path != NULL)
            return fail_usage("unexpected argument '%s' (one circuit file only)", argv[i]);
        o->path = argv[i];
    }
    if (o->path == NULL)
        return fail_usage("no circuit file given");
    bool mp = o->roster_file != NULL || o->n_peers > 0;
    if ((o->garbler_party || o->evaluator_party || mp) && o->bristol)
        return fail_usage("--bristol runs two parties only: drop --parties/--peer/"
                          "--garbler-party/--evaluator-party");
    if (o->local) {
        if (mp)
            return fail_usage("--local runs every party here: drop --parties/--peer");
        if (o->listen || o->connect || o->party)
            return fail_usage("--local runs every party here: drop --party/--listen/--connect");
        if (o->bristol)
            return fail_usage("--local is for compiled programs, not --bristol circuits");
        return 0;
    }
    if (o->party == NULL)
        return fail_usage("say which party this is with --party NAME");
    bool any_tls = o->tls.cert_file || o->tls.key_file || o->tls.ca_file || o->tls.peer_cert_file;
    if (o->plaintext && (any_tls || o->secret_file || o->tls.identity_file || o->n_peer_fps))
        return fail_usage("--insecure-plaintext turns encryption off: drop the --tls-*, --identity, "
                          "--peer-fingerprint and --session-secret-file options, or drop it");
    if (any_tls && (o->tls.identity_file || o->n_peer_fps))
        return fail_usage("--identity and --peer-fingerprint are for links without certificates: drop them "
                          "or the --tls-* options");
    if (any_tls && (!o->tls.cert_file || !o->tls.key_file))
        return fail_usage("TLS needs both --tls-cert and --tls-key");
    if (mp) {
        if (o->connect)
            return fail_usage("with a roster every address comes from it: drop --connect");
        if (o->role >= 0)
            return fail_usage("with a roster name the computing parties with --garbler-party "
                              "and --evaluator-party instead of --garbler/--evaluator");
        if (o->tls.peer_cert_file)
            return fail_usage("with a roster give each party's certificate in the roster "
                              "instead of --tls-peer-cert");
        return 0;
    }
    if (any_tls && !o->tls.ca_file && !o->tls.peer_cert_file)
        return fail_usage("TLS needs --tls-ca or --tls-peer-cert to check the peer");
    if ((o->listen == NULL) == (o->connect == NULL))
        return fail_usage("give exactly one of --listen HOST:PORT and --connect HOST:PORT");
    return 0;
}

/* The protocol of a run: --protocol, else bmr for 3 or more parties. */
static enum mpcc_mp_protocol protocol_for(const struct options *o, const struct mpcc_program *p)
{
    if (o->protocol >= 0)
        return (enum mpcc_mp_protocol)o->protocol;
    return p->iface->n_parties >= 3 ? MPCC_MP_BMR : MPCC_MP_YAO;
}

static const char *protocol_name(enum mpcc_mp_protocol pr)
{
    return pr == MPCC_MP_BMR ? "bmr" : "yao";
}

static void print_stats(const char *who, const char *protocol, const struct mpcc_stats *s)
{
    double rate = s->t_garble > 0 ? (double)s->n_and / s->t_garble : 0;
    fprintf(stderr, "%s: protocol %s\n", who, protocol);
    fprintf(stderr,
            "%s: and %llu, xor %llu, inv %llu, ot %llu\n"
            "%s: bytes sent %llu, received %llu\n"
            "%s: time prepare %.3f ms, handshake %.3f ms, base OT %.3f ms, inputs+OT extension "
            "%.3f ms, garbling %.3f ms, output %.3f ms, total %.3f ms\n"
            "%s: %.1f million AND gates/s\n",
            who, (unsigned long long)s->n_and, (unsigned long long)s->n_xor,
            (unsigned long long)s->n_inv, (unsigned long long)s->n_ot, who,
            (unsigned long long)s->bytes_sent, (unsigned long long)s->bytes_recv, who,
            s->t_prepare * 1e3, s->t_handshake * 1e3, s->t_base_ot * 1e3, s->t_inputs * 1e3, s->t_garble * 1e3,
            s->t_output * 1e3, s->t_total * 1e3, who, rate / 1e6);
    if (s->garbling != MPCC_GARBLING_AUTO && s->n_and > 0) {
        char rtt[80] = "";
        if (s->garbling_rtt >= 0)
            snprintf(rtt, sizeof rtt, " (auto: %.2f ms round trip)", s->garbling_rtt * 1e3);
        fprintf(stderr, "%s: garbling %s%s, %.2f table bytes per AND, %.2f bytes on the wire per AND\n",
                who, mpcc_garbling_name(s->garbling), rtt,
                (double)s->table_bytes / (double)s->n_and,
                (double)(s->bytes_sent + s->bytes_recv) / (double)s->n_and);
    }
    uint8_t any = 0;
    for (int i = 0; i < 32; i++)
        any |= s->session_id[i];
    if (any) {
        char hex[65];
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", s->session_id[i]);
        fprintf(stderr, "%s: session id %s\n", who, hex);
    }
}

/* Prints the outputs this party received ("NAME = VALUE" lines or JSON) and,
 * with --stats, its figures. */
/* For --stats: how the link was protected. */
static void print_link(const char *who, const struct net_channel *ch)
{
    const char *auth = net_tls_authentication(ch);
    uint8_t fp[NET_FINGERPRINT_LEN];
    char text[NET_FINGERPRINT_TEXT];
    if (auth != NULL && net_tls_peer_fingerprint(ch, fp)) {
        net_fingerprint_format(fp, text);
        fprintf(stderr, "%s: link to %s: TLS 1.3, peer authenticated by: %s; its key %s\n", who, net_peer(ch),
                auth, text);
    } else if (auth != NULL)
        fprintf(stderr, "%s: link to %s: TLS 1.3, peer authenticated by: %s\n", who, net_peer(ch), auth);
    else
        fprintf(stderr, "%s: link to %s: %s, NOT encrypted\n", who, net_peer(ch), net_kind(ch));
}

static enum mpcc_status print_party_outputs(const struct options *o, const struct mpcc_program *p,
                                            uint8_t **outputs, const struct mpcc_stats *stats,
                                            struct mpcc_error *err)
{
    enum mpcc_status st = values_print_outputs(p->iface, (const uint8_t *const *)outputs, o->json,
                                               stdout, err);
    if (st == MPCC_OK && o->stats)
        print_stats(o->party, protocol_name(protocol_for(o, p)), stats);
    return st;
}

/* The --peer-fingerprint given for party name, if any (1). */
static int peer_fingerprint(const struct options *o, const char *name, uint8_t fp[NET_FINGERPRINT_LEN])
{
    size_t len = strlen(name);
    for (size_t i = 0; i < o->n_peer_fps; i++)
        if (strncmp(o->peer_fps[i], name, len) == 0 && o->peer_fps[i][len] == '=')
            return net_fingerprint_parse(o->peer_fps[i] + len + 1, fp);
    return 0;
}

/* The link over tcp: TLS 1.3 (certificates when configured, else an
 * ephemeral key; with the session secret when given) unless plaintext was
 * asked for, which is refused for a peer not on this machine unless forced.
 * With a CA (and no pinned certificate), the peer's certificate must also
 * carry the peer's party name: any certificate of the consortium CA is not
 * enough. */
static enum mpcc_status maybe_tls(const struct options *o, const char *peer,
                                  struct net_channel *tcp, struct net_channel **ch,
                                  struct mpcc_error *err)
{
    if (o->plaintext) {
        if (o->plaintext == 1 && !net_peer_is_loopback(tcp)) {
            enum mpcc_status st = mpcc_error_set(err, MPCC_ERR_INVALID,
                                                 "%s is not on this machine: --insecure-plaintext is for loopback "
                                                 "tests; use --insecure-plaintext=force to send in clear anyway",
                                                 net_peer(tcp));
            net_free(tcp);
            return st;
        }
        *ch = tcp;
        return MPCC_OK;
    }
    struct net_tls_config tls = o->tls;
    if (tls.cert_file != NULL && tls.peer_cert_file == NULL && tls.peer_cert_name == NULL)
        tls.peer_cert_name = peer;
    uint8_t fp[NET_FINGERPRINT_LEN];
    if (peer_fingerprint(o, peer, fp))
        tls.peer_fingerprint = fp;
    return net_tls_wrap(tcp, &tls, o->listen != NULL, ch, err);
}

/* Reads the session secret (trailing line ends dropped) into o. */
static int read_secret(struct options *o)
{
    if (o->secret_file == NULL)
        return 0;
    FILE *f = fopen(o->secret_file, "rb");
    if (f == NULL) {
        fprintf(stderr, "mpcrun: --session-secret-file %s: %s\n", o->secret_file, strerror(errno));
        return 1;
    }
    size_t n = fread(o->secret, 1, sizeof o->secret, f);
    int bad = ferror(f);
    fclose(f);
    while (n > 0 && (o->secret[n - 1] == '\n' || o->secret[n - 1] == '\r'))
        n--;
    if (bad || n < NET_TLS_SECRET_MIN || n > NET_TLS_SECRET_MAX) {
        fprintf(stderr, "mpcrun: --session-secret-file %s: %s (a secret has %d to %d bytes)\n", o->secret_file,
                bad ? strerror(errno) : n < NET_TLS_SECRET_MIN ? "too short" : "too long", NET_TLS_SECRET_MIN,
                NET_TLS_SECRET_MAX);
        return 1;
    }
    o->tls.secret = o->secret;
    o->tls.secret_len = n;
    return 0;
}

/* The listening side: accepts connections until one is an mpcc peer (TLS
 * accepted, greeting right) or the timeout passes. A stranger's connection
 * is dropped with a note on stderr, and the wait goes on. */
static enum mpcc_status accept_peer(const struct options *o, const char *peer,
                                    struct net_listener *l, struct net_channel **ch,
                                    struct mpcc_error *err)
{
    int ms = o->timeout_s * 1000;
    int64_t deadline = net_now_ms() + ms;
    unsigned refused = 0;
    char why[MPCC_ERROR_MSG_MAX] = "";
    for (;;) {
        int64_t left = deadline - net_now_ms();
        struct net_channel *tcp = NULL, *c = NULL;
        enum mpcc_status st = left > 0 ? net_tcp_accept(l, "?", (int)left, &tcp, err)
                                       : MPCC_ERR_TIMEOUT;
        if (st == MPCC_ERR_TIMEOUT && refused > 0)
            return mpcc_error_set(err, st, "party '%s' never connected (waited %d s; refused "
                                  "%u other connection%s, the last: %s)", peer, o->timeout_s,
                                  refused, refused > 1 ? "s" : "", why);
        if (st == MPCC_ERR_TIMEOUT) /* (net_tcp_accept's message could not name it) */
            return mpcc_error_set(err, st, "party '%s' never connected (waited %d s)", peer,
                                  o->timeout_s);
        if (st != MPCC_OK)
            return st;
        /* A stranger gets a few seconds at most to prove itself. */
        int probe = left < 5000 ? (int)left : 5000;
        net_set_timeout(tcp, probe > 0 ? probe : 1);
        struct mpcc_error e2 = {0};
        st = maybe_tls(o, peer, tcp, &c, &e2);
        if (st == MPCC_ERR_INVALID) { /* our own TLS files: not the stranger's fault */
            return mpcc_error_set(err, st, "%s", e2.msg);
        }
        if (st == MPCC_OK)
            st = mpcc_2pc_greet(c, &e2);
        if (st == MPCC_OK) {
            net_set_timeout(c, ms);
            net_set_peer_name(c, peer);
            *ch = c;
            return MPCC_OK;
        }
        net_free(c);
        refused++;
        snprintf(why, sizeof why, "%s", e2.msg);
        fprintf(stderr, "mpcrun: refused a connection: %s\n", e2.msg);
    }
}

/* TCP to the peer (listening or connecting), TLS when configured, then the
 * greeting: a listener checks the connector's before anything else (and
 * drops strangers); a connector only sends its own, and the run's handshake
 * checks the listener's (greeting_due), so its hello goes in the same
 * flight. */
static enum mpcc_status open_channel(const struct options *o, const char *peer,
                                     struct net_channel **ch, struct mpcc_error *err)
{
    int ms = o->timeout_s * 1000;
    *ch = NULL;
    if (o->connect) {
        struct net_channel *tcp = NULL, *c = NULL;
        enum mpcc_status st = net_tcp_connect(o->connect, peer, ms, &tcp, err);
        if (st == MPCC_OK)
            st = maybe_tls(o, peer, tcp, &c, err);
        if (st == MPCC_OK)
            st = mpcc_2pc_greet_send(c, err);
        if (st != MPCC_OK) {
            net_free(c);
            return st;
        }
        *ch = c;
        return MPCC_OK;
    }
    struct net_listener *l = NULL;
    enum mpcc_status st = net_tcp_listen(o->listen, &l, err);
    if (st != MPCC_OK)
        return st;
    /* Port 0 asks the system for a free port: say which one we got, so a
     * script can start the other party. */
    const char *colon = strrchr(o->listen, ':');
    if (colon != NULL && strcmp(colon, ":0") == 0) {
        fprintf(stderr, "mpcrun: listening on port %u\n", net_listener_port(l));
        fflush(stderr);
    }
    st = accept_peer(o, peer, l, ch, err);
    net_listener_free(l);
    return st;
}

/* Checks that every TLS file given can be read, before any network step. */
static int check_tls_files(const struct options *o)
{
    const char *files[] = {o->tls.cert_file, o->tls.key_file, o->tls.ca_file,
                           o->tls.peer_cert_file};
    const char *opts[] = {"--tls-cert", "--tls-key", "--tls-ca", "--tls-peer-cert"};
    for (size_t i = 0; i < 4; i++) {
        if (files[i] == NULL)
            continue;
        FILE *f = fopen(files[i], "rb");
        if (f == NULL) {
            fprintf(stderr, "mpcrun: %s %s: %s\n", opts[i], files[i], strerror(errno));
            return 1;
        }
        fclose(f);
    }
    return 0;
}

/* ---- raw Bristol Fashion circuits ---- */

static int run_bristol(const struct options *o)
{
    struct mpcc_error err = {0};
    struct circuit *c = NULL;
    struct net_channel *ch = NULL;
    uint8_t *given = NULL, *in_bits = NULL, *out_bits = NULL, *got = NULL, *recip = NULL;
    int rc = 1;
    bool first = strcmp(o->party, "1") == 0;
    if (!first && strcmp(o->party, "2") != 0) {
        fprintf(stderr, "mpcrun: with --bristol the parties are called 1 and 2, not '%s'\n",
                o->party);
        return 2;
    }
    c = circ_read_bristol_file(o->path, &err);
    if (c == NULL || circ_compact(c, &err) != MPCC_OK)
        goto fail;
    given = calloc(c->n_inputs ? c->n_inputs : 1, 1);
    in_bits = calloc(c->n_input_bits ? c->n_input_bits : 1, 1);
    out_bits = calloc(c->n_output_bits ? c->n_output_bits : 1, 1);
    got = calloc(c->n_outputs ? c->n_outputs : 1, 1);
    recip = malloc(c->n_outputs ? c->n_outputs : 1);
    if (!given || !in_bits || !out_bits || !got || !recip) {
        mpcc_error_set(&err, MPCC_ERR_NOMEM, "out of memory");
        goto fail;
    }
    memset(recip, 3, c->n_outputs);
    for (size_t i = 0; i < o->n_inputs; i++) {
        const char *a = o->inputs[i], *eq = strchr(a, '=');
        char *end;
        errno = 0;
        unsigned long k = strtoul(a, &end, 10);
        if (eq == NULL || end != eq || errno || k < 1 || k > c->n_inputs) {
            mpcc_error_set(&err, MPCC_ERR_INVALID,
                           "--input '%s': expected K=HEX with K from 1 to %u", a, c->n_inputs);
            goto fail;
        }
        if (given[k - 1]) {
            mpcc_error_set(&err, MPCC_ERR_INVALID, "input value %lu given twice", k);
            goto fail;
        }
        if (circ_hex_parse(eq + 1, in_bits + circ_input_offset(c, (uint32_t)(k - 1)),
                           c->input_widths[k - 1], &err) != MPCC_OK) {
            mpcc_error_prefix(&err, "input value %lu", k);
            goto fail;
        }
        given[k - 1] = 1;
    }
    struct mpcc_2pc run = {.circ = c, .my_name = first ? "1" : "2",
                           .peer_name = first ? "2" : "1",
                           .role = o->role >= 0 ? (enum mpcc_role)o->role
                                                : first ? MPCC_GARBLER : MPCC_EVALUATOR,
                           .my_inputs = given, .recipients = recip, .garbling = o->garbling,
                           .greeting_due = o->connect != NULL};
    if (mpcc_circuit_digest(c, run.digest, &err) != MPCC_OK)
        goto fail;
    if (open_channel(o, run.peer_name, &ch, &err) != MPCC_OK)
        goto fail;
    struct mpcc_stats stats;
    struct progress_line pl;
    progress_line_start(&pl, o->progress, circ_count_op(c, CIRC_AND), run.my_name, &ch, 1);
    enum mpcc_status rst = mpcc_2pc_run(&run, ch, in_bits, out_bits, got, &stats, &err);
    progress_line_stop(&pl);
    if (rst != MPCC_OK)
        goto fail;
    uint64_t off = 0;
    for (uint32_t k = 0; k < c->n_outputs; k++) {
        char *hex = circ_hex_format_new(out_bits + off, c->output_widths[k], &err);
        if (hex == NULL)
            goto fail;
        printf("%s\n", hex);
        free(hex);
        off += c->output_widths[k];
    }
    if (o->stats) {
        print_stats(o->party, "yao", &stats);
        print_link(o->party, ch);
    }
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "mpcrun: party %s: %s\n", o->party, err.msg);
out:
    net_close(ch);
    circ_free(c);
    free(given);
    free(in_bits);
    free(out_bits);
    free(got);
    free(recip);
    return rc;
}

/* ---- compiled programs ---- */

static enum mpcc_status collect_inputs(const struct options *o, const struct mpcc_program *p,
                                       int64_t party, struct values_set **out,
                                       struct mpcc_error *err)
{
    struct values_set *s = values_set_new(p->iface, party, err);
    if (s == NULL)
        return err->code;
    enum mpcc_status st = MPCC_OK;
    for (size_t i = 0; st == MPCC_OK && i < o->n_input_files; i++)
        st = values_set_read_file(s, o->input_files[i], err);
    for (size_t i = 0; st == MPCC_OK && i < o->n_inputs; i++)
        st = values_set_assign(s, o->inputs[i], err);
    if (st == MPCC_OK)
        st = values_set_check_complete(s, err);
    if (st != MPCC_OK) {
        values_set_free(s);
        return st;
    }
    *out = s;
    return MPCC_OK;
}

struct local_party {
    const struct mpcc_program *prog;
    uint32_t party;
    enum mpcc_role role;
    struct net_channel *ch;
    const struct values_set *inputs;
    uint8_t **outputs;
    struct mpcc_stats stats;
    struct mpcc_error err;
    enum mpcc_status st;
    enum mpcc_garbling garbling;
};

static void *local_party_main(void *arg)
{
    struct local_party *lp = arg;
    struct mpcc_run_options opts = {lp->garbling, false};
    lp->st = mpcc_run_program_opts(lp->prog, lp->party, lp->role, lp->ch, lp->inputs, &opts,
                                   &lp->outputs, &lp->stats, &lp->err);
    if (lp->st != MPCC_OK)
        net_free(lp->ch); /* wakes the other party at once */
    else
        net_close(lp->ch);
    lp->ch = NULL;
    return NULL;
}

/* --local: each party's outputs under a [party] header, or one JSON object
 * keyed by party; figures to stderr with --stats. */
static int print_local(const struct options *o, const struct mpcc_program *p,
                       uint8_t **const *outputs, const struct mpcc_stats *const *stats)
{
    struct mpcc_error err = {0};
    int rc = 0;
    if (o->json)
        printf("{");
    for (uint32_t i = 0; i < p->iface->n_parties && rc == 0; i++) {
        if (o->json)
            printf("%s\"%s\": ", i ? ", " : "", p->iface->parties[i]);
        else
            printf("[%s]\n", p->iface->parties[i]);
        fflush(stdout);
        /* JSON: each party's object inside the one line (values_print_outputs
         * ends it with a newline). */
        char *buf = NULL;
        size_t len = 0;
        FILE *f = o->json ? open_memstream(&buf, &len) : stdout;
        if (f == NULL) {
            fprintf(stderr, "mpcrun: out of memory\n");
            rc = 1;
            break;
        }
        if (values_print_outputs(p->iface, (const uint8_t *const *)outputs[i], o->json, f,
                                 &err) != MPCC_OK) {
            fprintf(stderr, "mpcrun: %s\n", err.msg);
            rc = 1;
        }
        if (o->json) {
            fclose(f);
            while (len > 0 && buf[len - 1] == '\n')
                buf[--len] = '\0';
            fputs(buf, stdout);
            free(buf);
        }
        if (o->stats)
            print_stats(p->iface->parties[i], protocol_name(protocol_for(o, p)), stats[i]);
    }
    if (o->json)
        printf("}\n");
    return rc;
}

/* ---- more than two parties ---- */

/* The computing pair: --garbler-party/--evaluator-party or the first two.
 * Also refuses --garbling under bmr, which garbles jointly its own way. */
static int pick_computing(const struct options *o, const struct mpcc_program *p, uint32_t *g,
                          uint32_t *e)
{
    struct mpcc_error err = {0};
    if (o->garbling != MPCC_GARBLING_AUTO && protocol_for(o, p) == MPCC_MP_BMR) {
        fprintf(stderr, "mpcrun: --garbling %s chooses how a Yao garbler garbles; --protocol bmr "
                        "garbles jointly with its own scheme (use --protocol yao, or drop "
                        "--garbling)\n", mpcc_garbling_name(o->garbling));
        return 1;
    }
    if (mpcc_mp_pick_computing(p, o->garbler_party, o->evaluator_party, g, e, &err) == MPCC_OK)
        return 0;
    fprintf(stderr, "mpcrun: %s\n", err.msg);
    return 1;
}

static int run_local_mp(const struct options *o, const struct mpcc_program *p)
{
    struct mpcc_error err = {0};
    struct values_set *inputs = NULL;
    uint32_t n = p->iface->n_parties, g, e;
    if (pick_computing(o, p, &g, &e) != 0)
        return 1;
    if (collect_inputs(o, p, VALUES_ANY_PARTY, &inputs, &err) != MPCC_OK) {
        fprintf(stderr, "mpcrun: %s\n", err.msg);
        return 1;
    }
    struct mpcc_mp_local_result *res = calloc(n, sizeof *res);
    if (res == NULL) {
        fprintf(stderr, "mpcrun: out of memory\n");
        values_set_free(inputs);
        return 1;
    }
    int rc = 0;
    struct progress_line pl; /* what the first party does and sends */
    progress_line_start(&pl, o->progress, circ_count_op(p->circ, CIRC_AND), p->iface->parties[0],
                        NULL, 0);
    enum mpcc_status lst = mpcc_mp_run_local(p, g, e, protocol_for(o, p), o->garbling, inputs,
                                             o->timeout_s * 1000, pl.line.running ? &pl.pg : NULL,
                                             res, &err);
    progress_line_stop(&pl);
    if (lst != MPCC_OK) {
        rc = 1;
        for (uint32_t i = 0; i < n; i++)
            if (res[i].st != MPCC_OK)
                fprintf(stderr, "mpcrun: party %s: %s\n", p->iface->parties[i], res[i].err.msg);
        if (res[0].st == MPCC_OK && res[1].st == MPCC_OK)
            fprintf(stderr, "mpcrun: %s\n", err.msg);
    }
    uint8_t ***outs = calloc(n, sizeof *outs);
    const struct mpcc_stats **stats = calloc(n, sizeof *stats);
    if (rc == 0 && (outs == NULL || stats == NULL)) {
        fprintf(stderr, "mpcrun: out of memory\n");
        rc = 1;
    }
    if (rc == 0) {
        for (uint32_t i = 0; i < n; i++) {
            outs[i] = res[i].outputs;
            stats[i] = &res[i].stats;
        }
        rc = print_local(o, p, outs, stats);
    }
    free(outs);
    free(stats);
    for (uint32_t i = 0; i < n; i++)
        mpcc_outputs_free(res[i].outputs, p->iface->n_outputs);
    free(res);
    values_set_free(inputs);
    return rc;
}

static void say_port(void *ctx, uint16_t port)
{
    (void)ctx;
    fprintf(stderr, "mpcrun: listening on port %u\n", port);
    fflush(stderr);
}

static enum mpcc_status load_roster(const struct options *o, struct mpcc_roster **out,
                                    struct mpcc_error *err)
{
    struct mpcc_roster *r = mpcc_roster_new(err);
    if (r == NULL)
        return err->code;
    enum mpcc_status st = MPCC_OK;
    if (o->roster_file)
        st = mpcc_roster_read_file(r, o->roster_file, err);
    for (size_t i = 0; st == MPCC_OK && i < o->n_peers; i++) {
        char name[80];
        const char *eq = strchr(o->peers[i], '=');
        size_t len = eq ? (size_t)(eq - o->peers[i]) : 0;
        if (eq == NULL || len == 0 || len >= sizeof name) {
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "--peer '%s': expected NAME=HOST:PORT",
                                o->peers[i]);
            break;
        }
        memcpy(name, o->peers[i], len);
        name[len] = '\0';
        st = mpcc_roster_add(r, name, eq + 1, NULL, err);
        if (st != MPCC_OK)
            mpcc_error_prefix(err, "--peer");
    }
    for (uint32_t i = 0; st == MPCC_OK && i < r->n; i++)
        if (peer_fingerprint(o, r->e[i].name, r->e[i].fingerprint))
            r->e[i].has_fingerprint = 1;
    for (size_t i = 0; st == MPCC_OK && i < o->n_peer_fps; i++) {
        char name[80];
        size_t len = (size_t)(strchr(o->peer_fps[i], '=') - o->peer_fps[i]);
        snprintf(name, sizeof name, "%.*s", (int)(len < 79 ? len : 79), o->peer_fps[i]);
        if (mpcc_roster_find(r, name) == NULL)
            st = mpcc_error_set(err, MPCC_ERR_INVALID, "--peer-fingerprint for '%s', who is not in the roster",
                                name);
    }
    if (st != MPCC_OK) {
        mpcc_roster_free(r);
        return st;
    }
    *out = r;
    return MPCC_OK;
}

static bool ends_with_port0(const char *addr)
{
    const char *colon = addr ? strrchr(addr, ':') : NULL;
    return colon != NULL && strcmp(colon, ":0") == 0;
}

static int run_mp_party(const struct options *o, const struct mpcc_program *p, uint32_t me)
{
    struct mpcc_error err = {0};
    struct values_set *inputs = NULL;
    struct mpcc_roster *roster = NULL;
    struct net_channel **chans = NULL;
    uint8_t **outputs = NULL;
    struct mpcc_mp_session s;
    uint32_t n = p->iface->n_parties, g, e;
    int rc = 1;
    if (pick_computing(o, p, &g, &e) != 0)
        return 1;
    chans = calloc(n, sizeof *chans);
    if (chans == NULL) {
        mpcc_error_set(&err, MPCC_ERR_NOMEM, "out of memory");
        goto fail;
    }
    /* Every input and roster problem is reported before any network traffic. */
    if (collect_inputs(o, p, me, &inputs, &err) != MPCC_OK ||
        load_roster(o, &roster, &err) != MPCC_OK ||
        mpcc_mp_session_init(&s, p, me, g, e, &err) != MPCC_OK)
        goto fail;
    s.protocol = protocol_for(o, p);
    s.garbling = o->garbling;
    if (s.protocol == MPCC_MP_YAO && n >= 3)
        fprintf(stderr, "mpcrun: note: with --protocol yao, %s (garbler) and %s (evaluator) "
                        "compute for all %u parties: together they could learn every party's "
                        "inputs (the default, --protocol bmr, protects each party against all "
                        "the others)\n",
                p->iface->parties[g], p->iface->parties[e], n);
    const struct mpcc_roster_entry *mine = mpcc_roster_find(roster, o->party);
    const char *addr = o->listen ? o->listen : mine ? mine->addr : NULL;
    struct mpcc_mp_net net = {.roster = roster, .listen = o->listen,
                              .tls = o->plaintext ? NULL : &o->tls,
                              .timeout_ms = o->timeout_s * 1000,
                              .on_listen = ends_with_port0(addr) ? say_port : NULL};
    if (mpcc_mp_connect(&s, &net, chans, &err) != MPCC_OK)
        goto fail;
    for (uint32_t q = 0; o->plaintext == 1 && q < n; q++)
        if (chans[q] != NULL && !net_peer_is_loopback(chans[q])) {
            mpcc_error_set(&err, MPCC_ERR_INVALID, "%s is not on this machine: --insecure-plaintext is for "
                           "loopback tests; use --insecure-plaintext=force to send in clear anyway",
                           net_peer(chans[q]));
            goto fail;
        }
    struct mpcc_stats stats;
    struct progress_line pl;
    progress_line_start(&pl, o->progress, circ_count_op(p->circ, CIRC_AND), o->party, chans, n);
    enum mpcc_status rst = mpcc_mp_run_program(&s, chans, inputs, &outputs, &stats, &err);
    progress_line_stop(&pl);
    if (rst != MPCC_OK)
        goto fail;
    if (print_party_outputs(o, p, outputs, &stats, &err) != MPCC_OK)
        goto fail;
    for (uint32_t q = 0; o->stats && q < n; q++)
        if (chans[q] != NULL)
            print_link(o->party, chans[q]);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "mpcrun: party %s: %s\n", o->party, err.msg);
out:
    for (uint32_t i = 0; chans != NULL && i < n; i++) {
        if (rc == 0)
            net_close(chans[i]);
        else
            net_free(chans[i]);
    }
    free(chans);
    mpcc_roster_free(roster);
    mpcc_outputs_free(outputs, p->iface->n_outputs);
    values_set_free(inputs);
    return rc;
}

static int run_local(const struct options *o, const struct mpcc_program *p)
{
    struct mpcc_error err = {0};
    struct values_set *inputs = NULL;
    struct local_party lp[2];
    memset(lp, 0, sizeof lp);
    int rc = 1;
    if (p->iface->n_parties != 2 || o->garbler_party || o->evaluator_party ||
        protocol_for(o, p) == MPCC_MP_BMR)
        return run_local_mp(o, p);
    if (collect_inputs(o, p, VALUES_ANY_PARTY, &inputs, &err) != MPCC_OK) {
        fprintf(stderr, "mpcrun: %s\n", err.msg);
        return 1;
    }
    if (net_mem_pair(p->iface->parties[0], p->iface->parties[1], o->timeout_s * 1000, &lp[0].ch,
                     &lp[1].ch, &err) != MPCC_OK) {
        fprintf(stderr, "mpcrun: %s\n", err.msg);
        values_set_free(inputs);
        return 1;
    }
    struct progress_line pl; /* what party 0 does and sends (its thread frees and clears lp[0].ch) */
    progress_line_start(&pl, o->progress, circ_count_op(p->circ, CIRC_AND), p->iface->parties[0],
                        &lp[0].ch, 1);
    pthread_t th[2];
    int started = 0;
    for (uint32_t i = 0; i < 2; i++) {
        lp[i].prog = p;
        lp[i].party = i;
        lp[i].role = (o->role == MPCC_EVALUATOR) == (i == 0) ? MPCC_EVALUATOR : MPCC_GARBLER;
        lp[i].inputs = inputs;
        lp[i].garbling = o->garbling;
        if (pthread_create(&th[i], NULL, local_party_main, &lp[i]) != 0) {
            fprintf(stderr, "mpcrun: cannot start a thread for party %s\n", p->iface->parties[i]);
            net_free(lp[i].ch);
            lp[i].ch = NULL;
            lp[i].st = MPCC_ERR_NOMEM;
            snprintf(lp[i].err.msg, sizeof lp[i].err.msg, "thread creation failed");
            break;
        }
        started++;
    }
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (int i = started; i < 2; i++)
        net_free(lp[i].ch);
    progress_line_stop(&pl);
    rc = 0;
    for (uint32_t i = 0; i < 2; i++)
        if (lp[i].st != MPCC_OK) {
            fprintf(stderr, "mpcrun: party %s: %s\n", p->iface->parties[i], lp[i].err.msg);
            rc = 1;
        }
    if (rc == 0) {
        uint8_t **outs[2] = {lp[0].outputs, lp[1].outputs};
        const struct mpcc_stats *stats[2] = {&lp[0].stats, &lp[1].stats};
        rc = print_local(o, p, outs, stats);
    }
    for (int i = 0; i < 2; i++)
        mpcc_outputs_free(lp[i].outputs, p->iface->n_outputs);
    values_set_free(inputs);
    return rc;
}

static int run_program_party(const struct options *o, const struct mpcc_program *p)
{
    struct mpcc_error err = {0};
    struct values_set *inputs = NULL;
    struct net_channel *ch = NULL;
    uint8_t **outputs = NULL;
    int rc = 1;
    int64_t party = iface_party_index(p->iface, o->party);
    if (party < 0) {
        fprintf(stderr, "mpcrun: this program has no party '%s' (parties:", o->party);
        for (uint32_t i = 0; i < p->iface->n_parties; i++)
            fprintf(stderr, " %s", p->iface->parties[i]);
        fprintf(stderr, ")\n");
        return 1;
    }
    if (o->roster_file || o->n_peers)
        return run_mp_party(o, p, (uint32_t)party);
    if (o->protocol == MPCC_MP_BMR) {
        fprintf(stderr, "mpcrun: --protocol bmr links every pair of parties: name every "
                        "party's address with --parties FILE (or --peer NAME=HOST:PORT ...)\n");
        return 1;
    }
    if (p->iface->n_parties != 2) {
        fprintf(stderr,
                "mpcrun: this program has %u parties: name every party's address with "
                "--parties FILE (or --peer NAME=HOST:PORT ...)\n",
                p->iface->n_parties);
        return 1;
    }
    /* Every input problem is reported before any network traffic. */
    if (collect_inputs(o, p, party, &inputs, &err) != MPCC_OK)
        goto fail;
    enum mpcc_role role = o->role >= 0 ? (enum mpcc_role)o->role
                                       : party == 0 ? MPCC_GARBLER : MPCC_EVALUATOR;
    if (open_channel(o, p->iface->parties[1 - party], &ch, &err) != MPCC_OK)
        goto fail;
    struct mpcc_stats stats;
    struct progress_line pl;
    progress_line_start(&pl, o->progress, circ_count_op(p->circ, CIRC_AND), o->party, &ch, 1);
    struct mpcc_run_options opts = {o->garbling, o->connect != NULL};
    enum mpcc_status rst = mpcc_run_program_opts(p, (uint32_t)party, role, ch, inputs, &opts, &outputs,
                                                 &stats, &err);
    progress_line_stop(&pl);
    if (rst != MPCC_OK)
        goto fail;
    if (print_party_outputs(o, p, outputs, &stats, &err) != MPCC_OK)
        goto fail;
    if (o->stats)
        print_link(o->party, ch);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "mpcrun: party %s: %s\n", o->party, err.msg);
out:
    if (rc == 0)
        net_close(ch);
    else
        net_free(ch);
    mpcc_outputs_free(outputs, p->iface->n_outputs);
    values_set_free(inputs);
    return rc;
}

/* mpcrun keygen FILE: a new identity key, and its fingerprint. */
static int run_keygen(int argc, char **argv)
{
    if (argc != 3 || argv[2][0] == '-') {
        fprintf(stderr, "usage: mpcrun keygen FILE   (a new identity key for --identity; prints its fingerprint)\n");
        return 2;
    }
    struct mpcc_error err = {0};
    uint8_t fp[NET_FINGERPRINT_LEN];
    char text[NET_FINGERPRINT_TEXT];
    if (net_identity_keygen(argv[2], fp, &err) != MPCC_OK) {
        fprintf(stderr, "mpcrun: keygen: %s\n", err.msg);
        return 1;
    }
    net_fingerprint_format(fp, text);
    printf("%s %s\n", text, argv[2]);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "keygen") == 0)
        return run_keygen(argc, argv);
    struct options *o = malloc(sizeof *o);
    if (o == NULL) {
        fprintf(stderr, "mpcrun: out of memory\n");
        return 1;
    }
    int rc = parse_args(argc, argv, o);
    if (rc != 0) {
        free(o);
        return rc < 0 ? 0 : rc;
    }
    if (check_tls_files(o) != 0 || read_secret(o) != 0) {
        OPENSSL_cleanse(o->secret, sizeof o->secret);
        free(o);
        return 1;
    }
    if (o->plaintext && !o->local)
        fprintf(stderr, "mpcrun: warning: --insecure-plaintext: this run is not encrypted; anyone who can see "
                        "the traffic can read the inputs and outputs it carries\n");
    if (o->tls.identity_file != NULL) { /* a bad key file is an error before any network step */
        struct mpcc_error kerr = {0};
        EVP_PKEY *key = net_identity_load(o->tls.identity_file, &kerr);
        uint8_t fp[NET_FINGERPRINT_LEN];
        char text[NET_FINGERPRINT_TEXT];
        int ok = key != NULL && net_identity_fingerprint(key, fp);
        EVP_PKEY_free(key);
        if (!ok) {
            fprintf(stderr, "mpcrun: --identity: %s\n", kerr.msg[0] ? kerr.msg : "cannot read the key");
            OPENSSL_cleanse(o->secret, sizeof o->secret);
            free(o);
            return 1;
        }
        net_fingerprint_format(fp, text);
        if (o->stats)
            fprintf(stderr, "mpcrun: our identity key %s\n", text);
    }
    if (o->bristol) {
        rc = run_bristol(o);
        OPENSSL_cleanse(o->secret, sizeof o->secret);
        free(o);
        return rc;
    }
    struct mpcc_error err = {0};
    struct mpcc_program *p = prog_read_file(o->path, &err);
    if (p == NULL || circ_compact(p->circ, &err) != MPCC_OK) {
        fprintf(stderr, "mpcrun: %s\n", err.msg);
        prog_free(p);
        free(o);
        return 1;
    }
    rc = o->local ? run_local(o, p) : run_program_party(o, p);
    prog_free(p);
    OPENSSL_cleanse(o->secret, sizeof o->secret);
    free(o);
    return rc;
}
