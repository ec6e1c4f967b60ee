#!/usr/bin/env bash
# AssumeRoleWithSAML over HTTP with wrk: a release stsgate and its mock IdP on
# 127.0.0.1, a provider tagged stsgate:allow-assertion-reuse=true (so one ~6 KB
# assertion can be redeemed repeatedly), 2 wrk threads, 16 connections, 20 s.
# Usage: cargo build --release && scripts/bench-saml.sh   (needs wrk, .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${STSGATE_BIN:-${CARGO_TARGET_DIR:-target}/release/stsgate}
py=${PYTHON:-.venv/bin/python}
[ -x "$py" ] || py=/work/main/.venv/bin/python
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
env -u AWS_ACCESS_KEY_ID "$bin" bootstrap --account-id 123456789012 --data-dir "$work" --json >"$work/admin.json"
"$bin" mock-idp --listen 127.0.0.1:18091 >/dev/null 2>&1 &
RUST_LOG=warn "$bin" serve --listen 127.0.0.1:18090 --data-dir "$work" --allow-http-issuers >/dev/null 2>&1 &
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18090/healthz >/dev/null && curl -sf http://127.0.0.1:18091/saml/metadata >/dev/null && break; sleep 0.1; done
"$py" - "$work" <<'PY'
import json, sys, urllib.request, urllib.parse, boto3
work = sys.argv[1]
admin = json.load(open(f"{work}/admin.json"))
iam = boto3.client("iam", endpoint_url="http://127.0.0.1:18090", region_name="us-east-1",
                   aws_access_key_id=admin["access_key_id"], aws_secret_access_key=admin["secret_access_key"])
md = urllib.request.urlopen("http://127.0.0.1:18091/saml/metadata").read().decode()
p = iam.create_saml_provider(Name="ADFS", SAMLMetadataDocument=md,
                             Tags=[{"Key": "stsgate:allow-assertion-reuse", "Value": "true"}])["SAMLProviderArn"]
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": p},
                    "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"]}]})
role = iam.create_role(RoleName="Admin", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
attrs = {"PrincipalTag:Department": "Engineering", "PrincipalTag:CostCenter": "4711",
         "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn": "alice@corp.example.com",
         "http://schemas.xmlsoap.org/claims/Group": [f"CN=app-group-{i:02},OU=Groups,DC=corp,DC=example,DC=com" for i in range(12)]}
body = json.dumps({"roles": [f"{role},{p}", f"{role.replace('Admin', 'ReadOnly')},{p}"], "name_id": "alice",
                   "layout": "adfs", "attributes": attrs}).encode()
req = urllib.request.Request("http://127.0.0.1:18091/mint/saml", data=body, headers={"content-type": "application/json"})
saml = json.load(urllib.request.urlopen(req))["saml_response"]
form = urllib.parse.urlencode({"Action": "AssumeRoleWithSAML", "Version": "2011-06-15", "RoleArn": role,
                               "PrincipalArn": p, "SAMLAssertion": saml})
open(f"{work}/body", "w").write(form)
print(f"assertion: {len(saml)} base64 chars, form body {len(form)} bytes", file=sys.stderr)
PY
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local f = io.open("$work/body", "r"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
end
LUA
curl -s -o /dev/null -w "first call: HTTP %{http_code}\n" -H 'content-type: application/x-www-form-urlencoded' --data-binary @"$work/body" http://127.0.0.1:18090/
wrk -t2 -c16 -d20s --latency -s "$work/post.lua" http://127.0.0.1:18090/
