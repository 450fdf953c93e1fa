#!/bin/sh
# Test-only certificates for tests/data/web_config (never used to serve
# anything): a CA, a server pair signed by it, a second key that matches
# no certificate, and a file that is not PEM.  Valid for 100 years so the
# recorded cases do not rot.  Re-run only to replace them (then re-record:
# ./record.sh).
set -e
cd "$(dirname "$0")"
mkdir -p certs && cd certs
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout ca.key -out ca.crt -days 36500 -subj "/CN=alertd test CA" \
	2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key \
	-CAcreateserial -out server.crt -days 36500 -extfile server.ext \
	2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	-out other.key 2>/dev/null
printf 'not a certificate\n' >junk.pem
rm -f server.csr server.ext ca.srl ca.key
