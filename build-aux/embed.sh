#!/bin/sh
# embed.sh FILE SYMBOL: writes C source defining SYMBOL (the bytes of FILE)
# and SYMBOL_len, so a data file ships inside the binary.
set -e
file=$1 sym=$2
printf '/* generated from %s by build-aux/embed.sh; do not edit */\n' "$(basename "$file")"
printf '#include <stddef.h>\nconst unsigned char %s[] = {\n' "$sym"
od -An -v -tx1 "$file" | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/\t/'
printf '\t0x00\n};\nconst size_t %s_len = sizeof(%s) - 1;\n' "$sym" "$sym"
