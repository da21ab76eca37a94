#!/bin/sh
# e2e_badinput: the bad-input matrix of gongwen-index (the README's table
# "Bad input"). Each row indexes a batch that holds the bad input beside
# good documents (a .txt notice and a .jsonl record), and checks the exit
# status, the message (exactly or by pattern), that stderr holds no raw
# control bytes or invalid UTF-8, and that the good documents of the same
# batch are searchable afterwards. A row that cannot run on this machine
# prints "SKIP e2e_badinput: what: why", never PASS.
set -u -f
NAME=e2e_badinput
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS

# --- helpers ---------------------------------------------------------------

# batch N: makes the directory $T/N holding the good documents, and sets
# $D to it and $X to the index of this row ($T/ix-N).
batch() {
	D=$T/$1
	X=$T/ix-$1
	mkdir -p "$D"
	printf '关于完好文件的通知\n这是一份完好的通知正文。\n' >"$D/good.txt"
	printf '{"id":"good-%s","title":"完好的记录","body":"完好记录的正文"}\n' "$1" >"$D/good.jsonl"
}

# index ARGS...: indexes ARGS into $X (stdin /dev/null).
index() {
	run "$IDX" -i "$X" "$@"
}

# good_found N: both good documents of batch N are found in $X, and the
# index is sound.
good_found() {
	_rc=$rc _cmd=$cmd
	cp "$T/err" "$T/err.keep"
	run "$SRCH" -i "$X" -n 100 --json -- 完好
	grep -qF "\"id\":\"$T/$1/good.txt\"" "$T/out" ||
		fails "the good notice $T/$1/good.txt found" "$(show "$T/out")"
	grep -qF "\"id\":\"good-$1\"" "$T/out" ||
		fails "the good record good-$1 found" "$(show "$T/out")"
	run "$IDX" -i "$X" --check
	[ "$rc" -eq 0 ] || fails "--check passes" "exit $rc: $(show "$T/err")"
	cp "$T/err.keep" "$T/err"
	rc=$_rc cmd=$_cmd
}

# clean_err: stderr is valid UTF-8 with no control byte but newlines.
clean_err() {
	python3 - "$T/err" >"$T/py" 2>&1 <<'PY' || fails "stderr without raw control bytes or invalid UTF-8" "$(show "$T/py")"
import re, sys
b = open(sys.argv[1], "rb").read()
try:
    b.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("invalid UTF-8: %s" % e)
m = re.search(rb"[\x00-\x09\x0b-\x1f\x7f]", b)
if m:
    sys.exit("raw control byte %r at %d" % (m.group(), m.start()))
PY
}

# err_line LINE: stderr has exactly this line.
err_line() {
	grep -qxF -e "$1" "$T/err" || fails "a line '$1' on stderr" "$(show "$T/err")"
}

# err_match REGEX: stderr has a line matching the extended REGEX.
err_match() {
	grep -qE -e "$1" "$T/err" || fails "a line matching /$1/ on stderr" "$(show "$T/err")"
}

# summary ADDED REJECTED: the summary line's counts.
summary() {
	err_match "^gongwen-index: $1 added, 0 replaced, 0 unchanged, 0 deleted, $2 rejected in "
}

# finds WORD ID: searching WORD in $X lists ID.
finds() {
	run "$SRCH" -i "$X" -n 100 --json -- "$1"
	grep -qF "\"id\":\"$2\"" "$T/out" || fails "'$1' finds $2" "$(show "$T/out")"
}

# msg_lines N: stderr has exactly N lines besides gongwen-index's own
# (the summary; "compacted" after a first build).
msg_lines() {
	_n=$(grep -cv '^gongwen-index: ' "$T/err")
	[ "$_n" -eq "$1" ] || fails "exactly $1 message line(s) on stderr" "$_n: $(show "$T/err")"
}

skip() {
	printf 'SKIP %s: %s: %s\n' "$NAME" "$1" "$2"
}

# --- text files ----------------------------------------------------------------

begin "invalid UTF-8 in a .txt: indexed with U+FFFD and one warning naming the line and byte; exit 0"
batch utf8
printf '无效编码的通知\n正文\377\376字节。\n' >"$D/bad.txt"
index "$D"
check_exit 0
err_line "$D/bad.txt:2: warning: invalid UTF-8 at byte 6 of the line replaced with U+FFFD (2 sequences in the file)"
summary 3 0
clean_err
good_found utf8
finds 无效编码 "$D/bad.txt"
end_check

begin "a NUL byte in a .txt: 'FILE: binary file, skipped', counted as rejected; exit 1"
batch nul
printf '标题\n正文\000更多\n' >"$D/nul.txt"
index "$D"
check_exit 1
err_line "$D/nul.txt: binary file, skipped"
summary 2 1
msg_lines 1
clean_err
good_found nul
end_check

begin "a UTF-8 BOM before .txt, .jsonl and .csv: not part of the title, the first id or the first column; exit 0"
batch bom
printf '\357\273\277带字节序标记的通知\n正文。\n' >"$D/bom.txt"
printf '\357\273\277{"id":"bom-1","title":"字节序标记记录"}\n' >"$D/bom.jsonl"
printf '\357\273\277名称,省份\n字节序单位,江苏\n' >"$D/bom.csv"
index "$D"
check_exit 0
summary 5 0
msg_lines 0
good_found bom
run "$SRCH" -i "$X" --json -- 'title:带字节序标记的通知'
check_contains out "\"title\":\"带字节序标记的通知\""
finds 字节序标记记录 bom-1
finds '名称:字节序单位' "$D/bom.csv#1"
end_check

begin "CRLF and lone CR line ends in .txt, .jsonl and .csv: read as line ends; exit 0"
batch crlf
printf '回车换行的通知\r\n第一段正文。\r\n第二段正文。\r\n' >"$D/crlf.txt"
printf '只有回车的通知\r第一段。\r第二段。\r' >"$D/cr.txt"
printf '{"id":"crlf-1","title":"回车换行记录"}\r\n{"id":"crlf-2","title":"第二条回车记录"}\r\n' >"$D/crlf.jsonl"
printf '名称,省份\r\n回车单位,天津\r独立回车单位,山东\r\n' >"$D/crlf.csv"
index "$D"
check_exit 0
summary 8 0
clean_err
good_found crlf
finds 回车换行的通知 "$D/crlf.txt"
finds 只有回车的通知 "$D/cr.txt"
finds 第二条回车记录 crlf-2
finds '名称:独立回车单位' "$D/crlf.csv#2"
end_check

# One 100 MB line, made here (not kept in git), used by .jsonl and .txt.
begin "a 100 MB single line: a .jsonl line past GW_LINE_MAX and a .txt past GW_FILE_MAX rejected, the rest read; exit 1"
batch long
if { printf '{"id":"huge","body":"'; head -c 100000000 /dev/zero | tr '\0' a; printf '"}\n'; } >"$T/huge.line" 2>/dev/null; then
	{ printf '{"id":"before","title":"长行之前"}\n'; cat "$T/huge.line"; printf '{"id":"after","title":"长行之后"}\n'; } >"$D/long.jsonl"
	head -c 100000000 /dev/zero | tr '\0' a >"$D/long.txt"
	rm -f "$T/huge.line"
	_t0=$(date +%s)
	index "$D"
	_t1=$(date +%s)
	check_exit 1
	err_line "$D/long.jsonl:2: line of 100000024 bytes, more than GW_LINE_MAX (16777216)"
	err_line "$D/long.txt: file of 100000000 bytes, more than GW_FILE_MAX (67108864), not read"
	summary 4 2
	clean_err
	good_found long
	finds 长行之前 before
	finds 长行之后 after
	[ $((_t1 - _t0)) -le 20 ] || fails "indexing within 20 s" "$((_t1 - _t0)) s"
	rm -f "$D/long.jsonl" "$D/long.txt"
else
	fails "a 100 MB line written to $T" "no room?"
fi
end_check

begin "a binary file as .txt, .html, .csv, .jsonl and on stdin: one line each, 'FILE: binary file, skipped'; exit 1"
batch bin
head -c 200000 "$IDX" >"$T/bin.data"
for e in txt html csv jsonl; do cp "$T/bin.data" "$D/bin.$e"; done
run_in "$T/bin.data" "$IDX" -i "$X" "$D" -
check_exit 1
for e in txt html csv jsonl; do err_line "$D/bin.$e: binary file, skipped"; done
err_line "<stdin>: binary file, skipped"
msg_lines 5
summary 2 5
clean_err
good_found bin
end_check

begin "a GBK page and a Big5 page are text, not binary; exit 0"
batch gbk
cp tests/data/html/notice-gbk.html tests/data/html/notice-big5.html "$D/"
index "$D"
check_exit 0
check_not_contains err "binary"
clean_err
good_found gbk
end_check

begin "GBK, Big5 and UTF-16 text (.txt, .csv, made by iconv): converted, one warning naming the charset; exit 0"
batch enc
iconv -f UTF-8 -t GB18030 corpus/notice-2020-73.txt >"$D/gbk.txt"
iconv -f UTF-8 -t BIG5-HKSCS corpus/notice-tc-2019-27.txt >"$D/big5.txt"
iconv -f UTF-8 -t UTF-16 corpus/notice-sc-2021-15.txt >"$D/utf16.txt" # with a BOM
iconv -f UTF-8 -t GB18030 corpus/records-2023.csv >"$D/gbk.csv"
index -q "$D"
check_exit 0
for f in gbk.txt gbk.csv; do
	run "$IDX" -i "$X.$f" "$D/$f"
	err_line "$D/$f: warning: read as GB18030, not UTF-8"
done
run "$IDX" -i "$X.b5" "$D/big5.txt"
err_line "$D/big5.txt: warning: read as Big5, not UTF-8"
run "$IDX" -i "$X.u16" "$D/utf16.txt"
err_match "^$D/utf16.txt: warning: read as UTF-16(LE|BE), not UTF-8\$"
check_not_contains err "U+FFFD"
good_found enc
# Each as the UTF-8 original is found: its title, and a table cell.
finds 專業化眾創空間備案示范 "$D/gbk.txt"
finds 湾区科技创新 "$D/big5.txt"
finds 众创空间 "$D/utf16.txt"
run "$SRCH" -i "$X" --count -- "$(sed -n 2p corpus/records-2023.csv | cut -d, -f2)"
[ "$(cat "$T/out")" -ge 1 ] || fails "a cell of the GBK CSV found" "$(show "$T/out")"
end_check

begin "empty files: an empty .txt is 'empty document', an empty .csv has no header (both rejected), an empty .jsonl is nothing; exit 1"
batch empty
: >"$D/empty.txt"
: >"$D/empty.csv"
: >"$D/empty.jsonl"
index "$D"
check_exit 1
err_line "$D/empty.txt: empty document"
err_line "$D/empty.csv: empty file: no header row"
summary 2 2
msg_lines 2
good_found empty
end_check

# --- JSON Lines ----------------------------------------------------------------

begin "JSON: a lone surrogate becomes U+FFFD, a number id is its text, a repeated id warns and the later wins; exit 0"
batch json
{
	printf '{"id":"sur","title":"孤立代理\\ud800之后的文字"}\n'
	printf '{"id":42,"title":"数字编号的记录"}\n'
	printf '{"id":"dup","title":"重复编号第一版"}\n'
	printf '{"id":"dup","title":"重复编号第二版"}\n'
} >"$D/j.jsonl"
index "$D"
check_exit 0
err_line "$D/j.jsonl:4: warning: id 'dup' given twice in this batch: this document replaces the earlier one"
summary 5 0
clean_err
good_found json
finds 之后的文字 sur
finds 数字编号 42
finds 重复编号第二版 dup
run "$SRCH" -i "$X" --json -- 重复编号第一版
check_exit 1
end_check

begin "JSON nested 10,000 deep: the line rejected naming GW_JSON_MAX_DEPTH, the lines after read; exit 1"
batch deepjson
python3 -c '
import sys
n = 10000
sys.stdout.write("{\"id\":\"deep\",\"x\":" + "[" * n + "]" * n + "}\n")
sys.stdout.write("{\"id\":\"after-deep\",\"title\":\"深嵌套之后\"}\n")
' >"$D/deep.jsonl"
index "$D"
check_exit 1
err_line "$D/deep.jsonl:1: invalid JSON: nesting deeper than 64 levels (GW_JSON_MAX_DEPTH) at byte 80"
summary 3 1
clean_err
good_found deepjson
finds 深嵌套之后 after-deep
end_check

# --- CSV -----------------------------------------------------------------------

begin "CSV with an unterminated quote: that row rejected with its line, the rows before read; exit 1"
batch quote
printf '名称,省份\n引号之前单位,江苏\n"未闭合单位,浙江\n' >"$D/q.csv"
index "$D"
check_exit 1
err_match "^$D/q\\.csv:3: row 2: invalid CSV: unterminated quoted field starting at column 1\$"
summary 3 1
clean_err
good_found quote
finds 引号之前单位 "$D/q.csv#1"
end_check

begin "CSV with ragged rows: a short row's missing cells empty, a long row's extra cells dropped with a warning; exit 0"
batch ragged
printf '名称,省份,地址\n短行单位,江苏\n长行单位,浙江,杭州,多余内容\n' >"$D/r.csv"
index "$D"
check_exit 0
err_line "$D/r.csv:3: warning: row 2: 4 cells for 3 columns; extra cells dropped"
summary 4 0
clean_err
good_found ragged
finds 短行单位 "$D/r.csv#1"
finds 长行单位 "$D/r.csv#2"
end_check

begin "CSV with a 1 MB cell: that row rejected naming the column and GW_CELL_MAX, the other rows read; exit 1"
batch cell
{
	printf '名称,说明\n大单元格之前,短\n巨大单元格,"'
	head -c 1048576 /dev/zero | tr '\0' x
	printf '"\n大单元格之后,短\n'
} >"$D/c.csv"
index "$D"
check_exit 1
err_line "$D/c.csv:3: row 2: cell of column '说明' is 1048576 bytes, more than GW_CELL_MAX (65536)"
summary 4 1
clean_err
good_found cell
finds 大单元格之前 "$D/c.csv#1"
finds 大单元格之后 "$D/c.csv#3"
end_check

# --- HTML ----------------------------------------------------------------------

begin "HTML with rowspan=99999 and colspan=100000: clamped with warnings, the table read as text; exit 0"
batch span
{
	printf '<html><head><title>跨行跨列名单</title></head><body><h1>跨行跨列名单</h1>\n'
	printf '<table><tr><th>序号</th><th>名称</th></tr>\n'
	printf '<tr><td rowspan="99999">1</td><td colspan="100000">跨列单位</td></tr>\n'
	printf '<tr><td>跨行之下单位</td></tr></table></body></html>\n'
} >"$D/span.html"
index "$D"
check_exit 0
err_line "$D/span.html:3: warning: table 1: rowspan=99999 clamped to 65534 (GW_HTML_MAX_ROWSPAN, the HTML standard's limit)"
err_line "$D/span.html:3: warning: table 1: colspan=100000 clamped to 1000 (GW_HTML_MAX_COLSPAN, the HTML standard's limit)"
err_line "$D/span.html:2: warning: table of 1001 columns, more than GW_TABLE_COLS_MAX (200): read as text"
summary 3 0
clean_err
good_found span
finds 跨行之下单位 "$D/span.html"
end_check

begin "HTML nested 100,000 deep: its text indexed, one warning naming GW_HTML_MAX_DEPTH; exit 0"
batch deephtml
python3 -c '
import sys
n = 100000
sys.stdout.write("<html><head><title>深层页面</title></head><body><p>浅层开头文字</p>\n"
                 + "<div>" * n + "<p>最深处的文字</p>" + "</div>" * n + "\n<p>页面结尾文字</p></body></html>\n")
' >"$D/deep.html"
index "$D"
check_exit 0
err_line "$D/deep.html:2: warning: elements nested deeper than 512 levels (GW_HTML_MAX_DEPTH): read as plain text"
summary 3 0
clean_err
good_found deephtml
finds 最深处的文字 "$D/deep.html"
finds 页面结尾文字 "$D/deep.html"
end_check

# --- limits ----------------------------------------------------------------

begin "limits of a document: a field past GW_FIELD_MAX, more than GW_MAX_FIELDS fields, an id past GW_ID_MAX, a 201-column CSV; each rejected, named; exit 1"
batch limits
python3 -c '
import json, sys
w = sys.stdout.write
w(json.dumps({"id": "big-field", "body": "x" * (8 * 1024 * 1024 + 1)}) + "\n")
w(json.dumps(dict([("id", "many")] + [("f%d" % i, "v") for i in range(300)])) + "\n")
w(json.dumps({"id": "i" * 501, "title": "t"}) + "\n")
w(json.dumps({"id": "limits-ok", "title": "限度之内的记录"}) + "\n")
' >"$D/l.jsonl"
python3 -c '
print(",".join("c%d" % i for i in range(201)))
print(",".join("v" for i in range(201)))
' >"$D/wide.csv"
index "$D"
check_exit 1
err_line "$D/l.jsonl:1: field 'body' is 8388609 bytes, more than GW_FIELD_MAX (8388608)"
err_line "$D/l.jsonl:2: 300 fields, more than GW_MAX_FIELDS (255)"
err_line "$D/l.jsonl:3: id of 501 bytes, more than GW_ID_MAX (500)"
err_line "$D/wide.csv:1: header of 201 columns, more than GW_TABLE_COLS_MAX (200); file not read"
summary 3 4
msg_lines 4
clean_err
good_found limits
finds 限度之内的记录 limits-ok
end_check

# --- the walk -----------------------------------------------------------------

begin "a symbolic link loop named .txt: 'cannot open: Too many levels of symbolic links' for each; exit 1"
batch loop
ln -s loop-b.txt "$D/loop-a.txt"
ln -s loop-a.txt "$D/loop-b.txt"
ln -s . "$D/self" # a link to a directory: not followed, no message
index "$D"
check_exit 1
err_line "$D/loop-a.txt: cannot open: Too many levels of symbolic links"
err_line "$D/loop-b.txt: cannot open: Too many levels of symbolic links"
summary 2 2
msg_lines 2
good_found loop
end_check

begin "a FIFO named .txt, in a walk and on the command line: 'not a regular file (a FIFO), skipped', no hang; exit 1"
batch fifo
if mkfifo "$D/pipe.txt" 2>/dev/null; then
	run timeout 20 "$IDX" -i "$X" "$D" "$D/pipe.txt"
	check_exit 1
	msg_lines 2
	_n=$(grep -cxF "$D/pipe.txt: not a regular file (a FIFO), skipped" "$T/err")
	[ "$_n" -eq 2 ] || fails "the FIFO reported twice" "$(show "$T/err")"
	summary 2 2
	good_found fifo
else
	skip "FIFO" "mkfifo failed"
fi
end_check

# A file removed between the walk's listing and the read: the shim unlinks
# it at the open, deterministically.
cc_ok=
if command -v "${CC:-cc}" >/dev/null 2>&1 &&
   "${CC:-cc}" -O2 -D_GNU_SOURCE -fPIC -shared tests/vanish.c -o "$T/vanish.so" -ldl 2>"$T/cc.err"; then
	cc_ok=1
fi
if [ -n "$cc_ok" ]; then
	begin "a file that vanishes between the walk and the read: 'cannot open: No such file or directory'; exit 1"
	batch vanish
	printf '将要消失的通知\n正文。\n' >"$D/gone.txt"
	run env LD_PRELOAD="$T/vanish.so" GW_VANISH=gone.txt "$IDX" -i "$X" "$D"
	check_exit 1
	err_line "$D/gone.txt: cannot open: No such file or directory"
	summary 2 1
	msg_lines 1
	check_true "gone.txt removed by the shim" test ! -e "$D/gone.txt"
	good_found vanish
	end_check
else
	skip "a file that vanishes between the walk and the read" "no C compiler to build tests/vanish.c"
fi

# Root reads any file: an unreadable file needs another user (as
# tests/e2e_disk.sh does).
if [ "$(id -u)" != 0 ]; then
	as_user=
elif command -v setpriv >/dev/null 2>&1 &&
     setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
	as_user=none
fi
if [ "$as_user" = none ]; then
	skip "an unreadable file" "running as root without setpriv to become nobody"
else
	begin "an unreadable file in the walk: 'cannot open: Permission denied'; exit 1${as_user:+ (as nobody)}"
	batch perm
	printf '读不到的通知\n正文。\n' >"$D/secret.txt"
	chmod 000 "$D/secret.txt"
	chmod 755 "$T" "$D"
	chmod 644 "$D/good.txt" "$D/good.jsonl"
	mkdir -p "$T/nb" && chmod 777 "$T/nb"
	X=$T/nb/ix-perm
	run $as_user "$IDX" -i "$X" "$D"
	check_exit 1
	err_line "$D/secret.txt: cannot open: Permission denied"
	summary 2 1
	msg_lines 1
	good_found perm
	end_check
fi

begin "a file name with a newline: indexed; messages write it as \\x0a; exit 0"
batch newline
_nl=$(printf 'new\nline.txt')
printf '换行文件名的通知\n正文\377字节。\n' >"$D/$_nl"
index "$D"
check_exit 0
err_line "$D/new\\x0aline.txt:2: warning: invalid UTF-8 at byte 6 of the line replaced with U+FFFD (1 sequence in the file)"
summary 3 0
clean_err
good_found newline
run "$SRCH" -i "$X" -n 10 --json -- 换行文件名的通知
check_exit 0
end_check

begin "the binary file of issue 15 (/bin/ls as x.txt): one line, nothing raw; exit 1"
batch ls
head -c 200000 /bin/ls >"$D/x.txt" 2>/dev/null || head -c 200000 "$IDX" >"$D/x.txt"
index "$D"
check_exit 1
err_line "$D/x.txt: binary file, skipped"
msg_lines 1
clean_err
good_found ls
end_check

[ "$nfail" -eq 0 ]
