#!/bin/sh
# check_options: every option a program accepts is in its --help, its man
# page and the README, and nothing there names an option it does not take.
#
# What a program accepts comes from its source: the rows of its option table
# (`static const gw_opt option_table[]` in PROG/main.c, from which its parser
# and its --help are both made: lib/base/gw_opts.h). An option compared by
# hand anywhere else in the program's .c files (strcmp(a, "--x")) would be
# accepted without being in the table, and fails here. The built binary is
# then asked, option by option (`PROG OPTION [1] --help`), that it does not
# call any of them unknown, and that it does call a made-up one unknown, so
# the table read here is the one the parser uses.
#
# For each program:
#   --help      every accepted option appears in `PROG --help`, and every
#               option that output names is accepted;
#   man page    man/gongwen-PROG.1: its OPTIONS list (.It Fl ...) holds
#               every accepted option and no other, and its SYNOPSIS names
#               only accepted ones;
#   README      every accepted option appears in the program's section
#               (from "## gongwen-PROG" to the next "## ");
#   synopsis    the usage lines of --help, the man page's SYNOPSIS and the
#               README's synopsis block (the first code block of the
#               section, where there is one) name the same options, and the
#               README's block is --help's usage text word for word.
# A failure names the option and where it is missing.
set -u
: "${GW_BUILD:=build}"
python3 - "$GW_BUILD" <<'EOF'
import os, re, subprocess, sys

build = sys.argv[1]
PROGS = [("gongwen-index", "indexer"), ("gongwen-search", "search"), ("gongwen-serve", "serve")]
OPT_RE = re.compile(r"(?<![\w\-./$])(--?[A-Za-z][\w-]*)")


def report(ok, name, why=""):
    print(("PASS " if ok else "FAIL ") + "check_options: " + name + ("" if ok else ": " + why))


def table_options(src):
    """Spellings and whether each takes a value, from the option table."""
    m = re.search(r"static const gw_opt option_table\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
    if not m:
        return None
    opts = {}
    for row in re.finditer(r"\{\s*(\w+)\s*,\s*(NULL|\"[^\"]*\")\s*,\s*(NULL|\"[^\"]*\")", m.group(1)):
        ident, names, arg = row.groups()
        if ident == "0" or names == "NULL":
            continue
        for name in names.strip('"').split(", "):
            opts[name] = arg != "NULL"
    return opts


def hand_parsed(prog_dir):
    """Option literals compared by hand in the program's sources."""
    found = set()
    for f in sorted(os.listdir(prog_dir)):
        if not f.endswith(".c"):
            continue
        src = open(os.path.join(prog_dir, f), encoding="utf-8").read()
        for m in re.finditer(r"str(?:n?cmp)\s*\(\s*\w+\s*,\s*\"(--?[A-Za-z][^\"=]*)=?\"", src):
            found.add(m.group(1))
    return found


def run(argv):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGWEN_")}
    env["HOME"] = "/nonexistent"
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=20, env=env)
    except subprocess.TimeoutExpired:
        return 124, "", "timed out"
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def unknown(err):
    return re.search(r"unknown (option|argument)", err) is not None


def mdoc_flags(lines):
    """Options named by Fl macros on these mdoc lines (Fl \\-x is --x)."""
    flags = set()
    for line in lines:
        words = line.split()
        for i, w in enumerate(words):
            if w != "Fl" and not (w == ".Fl" and i == 0):
                continue
            for a in words[i + 1:]:
                if a in (",", "|"):  # delimiters: Fl goes on after them
                    continue
                if re.fullmatch(r"[A-Z][a-z]{1,2}", a):
                    break
                a = a.replace("\\-", "-").rstrip(",")
                if re.fullmatch(r"-?[A-Za-z][\w-]*", a):
                    flags.add("-" + a)
    return flags


def mdoc_section(src, name):
    m = re.search(r"^\.Sh %s\n(.*?)(?=^\.Sh )" % name, src, re.S | re.M)
    return m.group(1).split("\n") if m else []


def squash(s):
    return " ".join(s.split())


readme = open("README.md", encoding="utf-8").read()
for prog, d in PROGS:
    binary = os.path.join(build, prog)
    src = open(os.path.join(d, "main.c"), encoding="utf-8").read()
    table = table_options(src)
    if table is None:
        report(False, prog + ": an option table", "no `static const gw_opt option_table[]` in %s/main.c" % d)
        continue
    accepted = set(table)
    stray = hand_parsed(d) - accepted
    report(not stray, prog + ": every option is parsed from its table",
           "compared by hand outside option_table: " + ", ".join(sorted(stray)))
    accepted |= stray
    if not os.access(binary, os.X_OK):
        report(False, prog + ": built", "no %s (run make)" % binary)
        continue

    # The binary agrees: none of these is unknown to it, a made-up one is.
    refused = []
    for o in sorted(accepted):
        rc, out, err = run([binary, o] + (["1"] if table.get(o) else []) + ["--help"])
        if rc == 124 or unknown(err):
            refused.append(o)
    rc, out, err = run([binary, "--no-such-option-x", "--help"])
    report(not refused and unknown(err), prog + ": the binary takes exactly the table's options",
           ("it calls %s unknown" % ", ".join(refused)) if refused else "it took --no-such-option-x")

    # --help
    rc, helptext, err = run([binary, "--help"])
    in_help = set(OPT_RE.findall(helptext))
    report(rc == 0 and helptext.startswith("usage: "), prog + ": --help prints the usage",
           "exit %d, %r" % (rc, helptext[:60]))
    usage = helptext.split("\n\n", 1)[0]

    # The man page.
    page = os.path.join("man", prog + ".1")
    man = open(page, encoding="utf-8").read() if os.path.exists(page) else ""
    report(bool(man), prog + ": has a man page", "no " + page)
    man_opts = set()
    for line in mdoc_section(man, "OPTIONS"):
        if line.startswith(".It "):
            man_opts |= mdoc_flags([line])
    man_synopsis = mdoc_flags(mdoc_section(man, "SYNOPSIS"))

    # The README's section of the program.
    sec = readme.split("\n## " + prog + "\n", 1)
    section = sec[1].split("\n## ", 1)[0] if len(sec) == 2 else ""
    report(bool(section), prog + ": has a README section", "no '## %s'" % prog)
    in_readme = set(OPT_RE.findall(section))

    missing = []
    for o in sorted(accepted):
        where = [w for w, s in (("--help", in_help), (page + " OPTIONS", man_opts),
                                ("README.md section '%s'" % prog, in_readme)) if o not in s]
        if where:
            missing.append("%s missing from %s" % (o, ", ".join(where)))
    report(not missing, prog + ": every accepted option is in --help, the man page and the README",
           "; ".join(missing))
    extra = []
    for what, s in (("--help", in_help), (page + " OPTIONS", man_opts), (page + " SYNOPSIS", man_synopsis)):
        for o in sorted(s - accepted):
            extra.append("%s names %s, which %s does not take" % (what, o, prog))
    report(not extra, prog + ": --help and the man page name no option it does not take", "; ".join(extra))

    # The synopsis, three times.
    u = set(OPT_RE.findall(usage))
    block = re.search(r"```\n(.*?)```", section, re.S)
    readme_usage = block.group(1) if block and block.group(1).startswith(prog) else None
    diffs = []
    if man_synopsis != u:
        diffs.append("only in the man page's SYNOPSIS: %s; only in --help's usage: %s"
                     % (", ".join(sorted(man_synopsis - u)) or "-", ", ".join(sorted(u - man_synopsis)) or "-"))
    if readme_usage is not None:
        if squash(readme_usage) != squash(usage.replace("usage: ", "", 1)):
            diffs.append("README's synopsis block differs from --help's usage lines:\n    README: %s\n    --help: %s"
                         % (squash(readme_usage), squash(usage.replace("usage: ", "", 1))))
    report(not diffs, prog + ": --help, the man page and the README show the same synopsis", "; ".join(diffs))
EOF
