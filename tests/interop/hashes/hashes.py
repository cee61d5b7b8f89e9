"""Prints PBKDF2 hashes of argv[1] in passlib's, LDAP's and Django's encodings, built with nothing but Python's hashlib."""
import base64, hashlib, json, os, sys

password = sys.argv[1].encode()


def ab64(data):  # passlib's adapted base64: '.' for '+', no padding
    return base64.b64encode(data).decode().rstrip("=").replace("+", ".")


def pbkdf2(digest, rounds):
    salt = os.urandom(16)
    return salt, hashlib.pbkdf2_hmac(digest, password, salt, rounds)


out = {}
for digest, passlib_name, ldap_name in [("sha1", "pbkdf2", "PBKDF2"), ("sha256", "pbkdf2-sha256", "PBKDF2-SHA256"), ("sha512", "pbkdf2-sha512", "PBKDF2-SHA512")]:
    salt, key = pbkdf2(digest, 1200)
    out["passlib-" + digest] = f"${passlib_name}$1200${ab64(salt)}${ab64(key)}"
    salt, key = pbkdf2(digest, 1300)
    out["ldap-" + digest] = f"{{{ldap_name}}}1300${ab64(salt)}${ab64(key)}"
salt = base64.b32encode(os.urandom(10)).decode().lower()
key = hashlib.pbkdf2_hmac("sha256", password, salt.encode(), 1400)
out["django-sha256"] = f"pbkdf2_sha256$1400${salt}${base64.b64encode(key).decode()}"
print(json.dumps(out))
