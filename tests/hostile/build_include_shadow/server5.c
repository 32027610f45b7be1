/* socklab hostile corpus -- attack "build_include_shadow"
 * Tries: a C "server" whose only content is #include "/etc/shadow". socklab compiles a lone server5.c
 * with cc; run as root, the compiler reads /etc/shadow and quotes its first line in the error, and the
 * failed build's output goes into the report (notes, JSON, console, HTML).
 * Defence: the build runs in the sandbox, never as root: the compiler cannot open /etc/shadow, and the
 * report carries only "Permission denied". The checker greps every report and socklab's output for the
 * first line of the real /etc/shadow.
 */
#include "/etc/shadow"
