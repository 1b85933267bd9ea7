#!/usr/bin/env bash
# Fails when any executable built in the build folder links plain libsqlite3: next to SQLCipher
# it can turn PRAGMA key into a no-op and the data would be written in plaintext.
set -euo pipefail
build=$1
found=0
checked=0
while IFS= read -r -d '' exe; do
  if file "$exe" 2>/dev/null | grep -q ELF || head -c4 "$exe" | grep -q ELF; then
    checked=$((checked + 1))
    if ldd "$exe" 2>/dev/null | grep -E 'libsqlite3\.so' >/dev/null; then
      echo "$exe links plain libsqlite3:"; ldd "$exe" | grep sqlite
      found=1
    fi
    if ! ldd "$exe" 2>/dev/null | grep -q 'libsqlcipher\.so' && nm -D "$exe" 2>/dev/null | grep -q ' sqlite3_open'; then
      echo "$exe uses sqlite3_open but does not link libsqlcipher"; found=1
    fi
  fi
done < <(find "$build" -type f -perm -u+x ! -name '*.sh' ! -path '*/CMakeFiles/*' -print0)
echo "checked $checked executables"
[ "$checked" -gt 0 ] || { echo "no executables found in $build"; exit 1; }
exit $found
