#!/usr/bin/env bash
# oauth_ca.sh DIR — the keys and certificates of the test identity provider (oauth_idp.py), unless present:
#   DIR/ca.pem            a test CA (the clients' ca_file)
#   DIR/server.pem/.key   the provider's TLS certificate for localhost and 127.0.0.1, signed by the CA
#   DIR/jwt.key           an RSA-2048 key (PKCS#8 PEM) that signs JWT assertions (the "service account" key)
#   DIR/jwt.pub           its public key, with which the provider checks RS256 signatures
# Valid two days. Needs openssl.
set -euo pipefail
dir="${1:?usage: oauth_ca.sh DIR}"
[[ -s "$dir/ca.pem" && -s "$dir/server.pem" && -s "$dir/jwt.pub" ]] && exit 0
command -v openssl >/dev/null || { echo "oauth_ca.sh: openssl is not installed (apt-get install openssl)" >&2; exit 1; }
umask 077
cd "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=helpdeskd test CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
    -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
    -out server.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out jwt.key 2>/dev/null
openssl pkey -in jwt.key -pubout -out jwt.pub 2>/dev/null
chmod 644 ca.pem server.pem jwt.pub
rm -f server.csr server.ext ca.srl
