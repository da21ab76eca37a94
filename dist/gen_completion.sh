#!/bin/sh
# gen_completion.sh: writes the bash completion of a gongwen program from
# its --help, so that the completion offers exactly the options the program
# documents and cannot drift from them (the Makefile runs it at build time).
#
#   sh dist/gen_completion.sh PROGRAM < help-text > completion-file
#
# It reads the option column of the help (the lines starting "  -", up to
# the first two spaces): options, and the NAME that follows one if that
# takes a value (upper case: INDEX, FILE; or the column's last word: "--sort
# date"). A value named INDEX, DEST or DIR completes directories, FILE or
# PATH files, any other nothing; PATH in the usage lines makes the
# arguments complete as files.
set -eu
prog=$1
func=_$(printf '%s' "$prog" | tr -c 'a-zA-Z0-9\n' _)

awk -v prog="$prog" -v fname="$func" '
function flush_cases(kind, pattern) {
	if (pattern != "")
		printf "\t%s)\n\t\t%s\n\t\treturn ;;\n", substr(pattern, 2), kind
}
# The usage block: from "usage:" to the first empty line (its lines may
# wrap, as those of gongwen-index do).
/^usage:/ { usage = 1 }
/^$/ { usage = 0 }
usage && /PATH/ { paths = 1 }
/^  -/ {
	s = substr($0, 3)
	n = index(s, "  ")
	if (n)
		s = substr(s, 1, n - 1)
	k = split(s, w, " ")
	last = ""
	for (i = 1; i <= k; i++) {
		t = w[i]
		sub(/,$/, "", t)
		if (t ~ /^-/) {
			if (t ~ /=/) {
				# --color=WHEN: offered as "--color=", the value typed after it.
				words = words " " substr(t, 1, index(t, "="))
				last = ""
			} else {
				words = words " " t
				last = t
			}
			continue
		}
		if (last != "" && (t ~ /^[A-Z][A-Z0-9_:.,=]*(\.\.\.)?$/ || (i == k && n))) {
			v = t
			sub(/\.\.\.$/, "", v)
			if (v == "INDEX" || v == "DEST" || v == "DIR")
				dirs = dirs "|" last
			else if (v == "FILE" || v == "PATH")
				files = files "|" last
			else
				other = other "|" last
			last = ""
			continue
		}
		break
	}
}
END {
	if (words == "") {
		print "gen_completion.sh: no options found in the help of " prog > "/dev/stderr"
		exit 1
	}
	printf "# bash completion for %s, generated from its --help by\n", prog
	printf "# dist/gen_completion.sh (edit the help, not this file).\n"
	printf "%s()\n{\n", fname
	printf "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n\n"
	printf "\tCOMPREPLY=()\n\tcase $prev in\n"
	flush_cases("compopt -o filenames; COMPREPLY=($(compgen -d -- \"$cur\"))", dirs)
	flush_cases("compopt -o filenames; COMPREPLY=($(compgen -f -- \"$cur\"))", files)
	flush_cases(": # a value of its own kind", other)
	printf "\tesac\n"
	printf "\tif [[ $cur == -* ]]; then\n"
	printf "\t\tCOMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))\n", substr(words, 2)
	printf "\t\t[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace\n"
	printf "\t\treturn\n\tfi\n"
	if (paths)
		printf "\tcompopt -o filenames\n\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	printf "}\ncomplete -F %s %s\n", fname, prog
}'
