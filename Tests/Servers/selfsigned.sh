#!/usr/bin/env bash
# selfsigned.sh DIR — creates DIR/cert.pem and DIR/key.pem (unless present): a self-signed P-256
# certificate for CN=localhost with subjectAltName localhost and 127.0.0.1, valid two days. The test
# servers present it and the clients trust it as their CA file. Needs openssl.
set -euo pipefail
dir="${1:?usage: selfsigned.sh DIR}"
[[ -s "$dir/cert.pem" && -s "$dir/key.pem" ]] && exit 0
command -v openssl >/dev/null || { echo "selfsigned.sh: openssl is not installed (apt-get install openssl)" >&2; exit 1; }
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 644 "$dir/cert.pem"
