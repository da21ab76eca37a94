#!/bin/sh
# make-fixtures: converts the sources of this folder with LibreOffice, as a
# user's office suite would write them: notice-*.fodt -> .docx (Word 2007
# XML), records*.fods -> .xlsx (Excel 2007 XML). Run from anywhere; needs
# soffice (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui). The
# outputs are committed: the tests never run LibreOffice.
set -eu
cd "$(dirname "$0")"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
for f in notice-*.fodt; do
	HOME=$home soffice --headless --convert-to docx:"MS Word 2007 XML" --outdir . "$f" >/dev/null
done
for f in records*.fods; do
	HOME=$home soffice --headless --convert-to xlsx:"Calc MS Excel 2007 XML" --outdir . "$f" >/dev/null
done
ls -l ./*.docx ./*.xlsx
