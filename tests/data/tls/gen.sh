#!/bin/sh
# Regenerates the TLS material of the notify TLS tests (test-only keys):
# a CA, a server certificate for "hooks.example" and a client
# certificate, all valid for 100 years.  Run from this directory.
set -e
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem \
    -days 36500 -subj "/CN=alertd test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr \
    -subj "/CN=hooks.example" 2>/dev/null
printf 'subjectAltName=DNS:hooks.example\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem \
    -CAcreateserial -out server.pem -days 36500 -extfile server.ext 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout client-key.pem -out client.csr \
    -subj "/CN=alertd-client" 2>/dev/null
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem \
    -CAcreateserial -out client.pem -days 36500 2>/dev/null
rm -f server.csr client.csr server.ext ca.srl
