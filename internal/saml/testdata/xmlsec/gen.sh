#!/bin/sh
# Signs the templates with libxmlsec1 (apt install xmlsec1), an XML
# signature implementation independent of seki's, so that the tests check
# seki's canonicalization and verification against it. Run from this
# directory; the key and certificate are made once.
set -e
[ -f key.pem ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 36500 -subj "/CN=seki xmlsec fixture" 2>/dev/null
xmlsec1 --sign --privkey-pem key.pem,cert.pem --id-attr:ID urn:oasis:names:tc:SAML:2.0:assertion:Assertion \
  --output assertion-signed.xml assertion-template.xml
xmlsec1 --sign --privkey-pem key.pem,cert.pem --id-attr:ID urn:oasis:names:tc:SAML:2.0:protocol:Response \
  --output response-signed.xml response-template.xml
