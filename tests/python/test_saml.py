"""AssumeRoleWithSAML through boto3 (issue 10). The test plays a SAML identity
provider with nothing but the `cryptography` package: an RSA key, a
self-signed certificate in a metadata document (IAM's CreateSAMLProvider),
and Responses it signs itself. It writes each assertion already in exclusive
canonical form (declarations where used, attributes sorted, no empty-element
tags), so its digest is of the text as written: an XML signature made
independently of seki's canonicalizer. Steps: docs/SAML.md."""
import base64
import datetime
import hashlib
import json
import unittest
import uuid

import boto3
import botocore.exceptions
from botocore import UNSIGNED
from botocore.config import Config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from seki_harness import ACCOUNT_A, ACCOUNT_B, Seki, error_code

ENTITY = "https://idp.example.com/metadata"
SIGNIN = "https://signin.aws.amazon.com/saml"
NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"


class IdP:
    """A SAML identity provider: a key, its self-signed certificate and the
    metadata document that publishes it."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test idp")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(hours=1))
                .not_valid_after(now + datetime.timedelta(days=30))
                .sign(self.key, hashes.SHA256()))
        self.cert_b64 = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()

    def metadata(self):
        return ('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
                'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="%s">\n'
                '  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n'
                '    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>\n'
                '      <ds:X509Certificate>%s</ds:X509Certificate>\n'
                '    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n'
                '    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
                'Location="https://idp.example.com/sso"/>\n'
                '  </md:IDPSSODescriptor>\n</md:EntityDescriptor>\n') % (ENTITY, self.cert_b64)

    def response(self, name_id, role_pair, session="alice", audience=SIGNIN, lifetime=300):
        """A signed samlp:Response (the Assertion signed, RSA-SHA256), as XML text."""
        now = datetime.datetime.now(datetime.timezone.utc)
        ts = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
        start, end = ts(now - datetime.timedelta(minutes=1)), ts(now + datetime.timedelta(seconds=lifetime))
        aid = "_a" + uuid.uuid4().hex
        # Canonical form: attributes in alphabetical order, start-end pairs.
        head = ('<saml:Assertion xmlns:saml="%s" ID="%s" IssueInstant="%s" Version="2.0">'
                '<saml:Issuer>%s</saml:Issuer>') % (NS_SAML, aid, start, ENTITY)
        rest = ('<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">%s</saml:NameID>'
                '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
                '<saml:SubjectConfirmationData NotOnOrAfter="%s" Recipient="%s"></saml:SubjectConfirmationData>'
                '</saml:SubjectConfirmation></saml:Subject>'
                '<saml:Conditions NotBefore="%s" NotOnOrAfter="%s"><saml:AudienceRestriction>'
                '<saml:Audience>%s</saml:Audience></saml:AudienceRestriction></saml:Conditions>'
                '<saml:AttributeStatement>'
                '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>%s</saml:AttributeValue></saml:Attribute>'
                '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>%s</saml:AttributeValue></saml:Attribute>'
                '</saml:AttributeStatement></saml:Assertion>') % (name_id, end, SIGNIN, start, end, audience, role_pair, session)
        digest = base64.b64encode(hashlib.sha256((head + rest).encode()).digest()).decode()
        signed_info = ('<ds:SignedInfo xmlns:ds="%s"><ds:CanonicalizationMethod Algorithm="%s"></ds:CanonicalizationMethod>'
                       '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></ds:SignatureMethod>'
                       '<ds:Reference URI="#%s"><ds:Transforms>'
                       '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform>'
                       '<ds:Transform Algorithm="%s"></ds:Transform></ds:Transforms>'
                       '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></ds:DigestMethod>'
                       '<ds:DigestValue>%s</ds:DigestValue></ds:Reference></ds:SignedInfo>') % (NS_DS, EXC_C14N, aid, EXC_C14N, digest)
        value = base64.b64encode(self.key.sign(signed_info.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
        signature = ('<ds:Signature xmlns:ds="%s">%s<ds:SignatureValue>%s</ds:SignatureValue>'
                     '<ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo>'
                     '</ds:Signature>') % (NS_DS, signed_info, value, self.cert_b64)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<samlp:Response xmlns:samlp="%s" Destination="%s" ID="_r%s" IssueInstant="%s" Version="2.0">'
                '<saml:Issuer xmlns:saml="%s">%s</saml:Issuer>'
                '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
                '%s</samlp:Response>') % (NS_SAMLP, SIGNIN, uuid.uuid4().hex, start, NS_SAML, ENTITY,
                                          head + signature + rest)


def b64(text):
    return base64.b64encode(text.encode()).decode()


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


class SAML(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idp = IdP()
        iam = seki.client("iam")
        cls.provider = iam.create_saml_provider(Name="corp", SAMLMetadataDocument=cls.idp.metadata())["SAMLProviderArn"]
        cls.role = "arn:aws:iam::%s:role/deployer" % ACCOUNT_A[0]
        iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": cls.provider}, "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": SIGNIN, "SAML:sub": "alice@example.com"}}}]}))
        iam.put_role_policy(RoleName="deployer", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}))
        # The same IdP, registered in account B.
        cls.provider_b = seki.client("iam", creds=ACCOUNT_B).create_saml_provider(
            Name="corp", SAMLMetadataDocument=cls.idp.metadata())["SAMLProviderArn"]
        cls.sts = boto3.session.Session().client("sts", endpoint_url=seki.endpoint, region_name="us-east-1",
                                                 config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))

    def assume(self, xml, principal=None):
        return self.sts.assume_role_with_saml(RoleArn=self.role, PrincipalArn=principal or self.provider,
                                              SAMLAssertion=b64(xml))

    def pair(self):
        return "%s,%s" % (self.role, self.provider)

    def test_assertion_signed_in_python(self):
        out = self.assume(self.idp.response("alice@example.com", self.pair()))
        self.assertEqual(out["Subject"], "alice@example.com")
        self.assertEqual(out["SubjectType"], "persistent")
        self.assertEqual(out["Issuer"], ENTITY)
        self.assertEqual(out["Audience"], SIGNIN)
        qualifier = base64.b64encode(hashlib.sha1((ENTITY + ACCOUNT_A[0] + "/corp").encode()).digest()).decode()
        self.assertEqual(out["NameQualifier"], qualifier)
        self.assertEqual(out["AssumedRoleUser"]["Arn"], "arn:aws:sts::%s:assumed-role/deployer/alice" % ACCOUNT_A[0])
        c = out["Credentials"]
        s3 = seki.client("s3", creds={"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                                      "SessionToken": c["SessionToken"]})
        s3.list_buckets()

    def test_refused(self):
        good = self.idp.response("alice@example.com", self.pair())
        other = IdP()
        cases = [
            ("changed NameID", good.replace("alice@example.com", "bob@example.com", 1), None, "InvalidIdentityToken"),
            ("changed Role", good.replace("role/deployer", "role/admin", 1), None, "InvalidIdentityToken"),
            ("another key", other.response("alice@example.com", self.pair()), None, "InvalidIdentityToken"),
            ("expired", self.idp.response("alice@example.com", self.pair(), lifetime=-30), None, "ExpiredTokenException"),
            ("wrong audience", self.idp.response("alice@example.com", self.pair(), audience="https://app.example.com"), None,
             "InvalidIdentityToken"),
            ("second unsigned assertion", good.replace("</samlp:Response>", good[good.index("<saml:Assertion"):good.index("<ds:Signature")]
                                                       .replace('ID="_a', 'ID="_b') + good[good.index("</ds:Signature>") + 15:good.index("</samlp:Response>")] + "</samlp:Response>"),
             None, "InvalidIdentityToken"),
            ("provider of another account", self.idp.response("alice@example.com", "%s,%s" % (self.role, self.provider_b)),
             self.provider_b, "InvalidIdentityToken"),
            ("trust condition on SAML:sub", self.idp.response("bob@example.com", self.pair()), None, "AccessDenied"),
        ]
        for name, xml, principal, code in cases:
            with self.subTest(name):
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    self.assume(xml, principal)
                self.assertEqual(error_code(cm.exception), code)

    def test_provider_operations(self):
        iam = seki.client("iam")
        got = iam.get_saml_provider(SAMLProviderArn=self.provider)
        self.assertEqual(got["SAMLMetadataDocument"], self.idp.metadata())
        self.assertIn(self.provider, [p["Arn"] for p in iam.list_saml_providers()["SAMLProviderList"]])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            iam.create_saml_provider(Name="bad", SAMLMetadataDocument="<x>" + "y" * 1000 + "</x>")
        self.assertEqual(error_code(cm.exception), "InvalidInput")
        arn = iam.create_saml_provider(Name="temp", SAMLMetadataDocument=self.idp.metadata())["SAMLProviderArn"]
        self.assertEqual(iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=IdP().metadata())["SAMLProviderArn"], arn)
        iam.delete_saml_provider(SAMLProviderArn=arn)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            iam.get_saml_provider(SAMLProviderArn=arn)
        self.assertEqual(error_code(cm.exception), "NoSuchEntity")


if __name__ == "__main__":
    unittest.main()
