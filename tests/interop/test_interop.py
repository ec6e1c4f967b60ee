"""Interop tests: unmodified boto3 and aws CLI against a real stsgate process.

The gateway and the mock OIDC provider run as separate processes started from
the built binary (STSGATE_BIN); nothing reaches outside 127.0.0.1.
"""

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import boto3
import botocore
import pytest
from botocore.config import Config

ACCOUNT = "123456789012"
BIN = os.environ.get("STSGATE_BIN", "target/debug/stsgate")
REGION = "us-east-1"
_venv_aws = os.path.join(os.path.dirname(sys.executable), "aws")
AWS_BIN = _venv_aws if os.path.exists(_venv_aws) else "aws"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy")


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


@pytest.fixture(scope="module")
def gateway():
    data = tempfile.mkdtemp(prefix="stsgate-interop-")
    out = subprocess.run(
        [BIN, "bootstrap", "--account-id", ACCOUNT, "--data-dir", data, "--json"],
        check=True, capture_output=True, text=True, env=clean_env(),
    )
    admin = json.loads(out.stdout)
    idp_port, port = free_port(), free_port()
    issuer = f"http://127.0.0.1:{idp_port}"
    idp = subprocess.Popen([BIN, "mock-idp", "--listen", f"127.0.0.1:{idp_port}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean_env())
    gw = subprocess.Popen(
        [BIN, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data, "--allow-http-issuers"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean_env(),
    )
    try:
        wait_healthy(f"{issuer}/.well-known/openid-configuration", idp)
        wait_healthy(f"http://127.0.0.1:{port}/healthz", gw)
        yield {"url": f"http://127.0.0.1:{port}", "issuer": issuer, "admin": admin, "data": data}
    finally:
        for p in (gw, idp):
            p.terminate()
            p.wait(timeout=10)


def client(gw, service, creds=None):
    kwargs = {}
    if creds is None:
        creds = {"aws_access_key_id": gw["admin"]["access_key_id"],
                 "aws_secret_access_key": gw["admin"]["secret_access_key"]}
    kwargs.update(creds)
    session = boto3.session.Session()
    return session.client(service, endpoint_url=gw["url"], region_name=REGION,
                          config=Config(retries={"max_attempts": 1}), **kwargs)


def unsigned_sts(gw):
    return boto3.session.Session().client(
        "sts", endpoint_url=gw["url"], region_name=REGION,
        config=Config(signature_version=botocore.UNSIGNED, retries={"max_attempts": 1}))


def mint(gw, **claims):
    req = urllib.request.Request(f"{gw['issuer']}/mint", data=json.dumps(claims).encode(),
                                 headers={"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)["id_token"]


def trust_policy(gw, aud="demo-app"):
    host = gw["issuer"].removeprefix("http://")
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{host}:aud": aud}},
        }],
    })


@pytest.fixture(scope="module")
def web_role(gateway):
    iam = client(gateway, "iam")
    arn = iam.create_open_id_connect_provider(
        Url=gateway["issuer"], ClientIDList=["demo-app"])["OpenIDConnectProviderArn"]
    role = iam.create_role(RoleName="web", AssumeRolePolicyDocument=trust_policy(gateway),
                           MaxSessionDuration=7200, Description="interop")["Role"]
    iam.put_role_policy(RoleName="web", PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:GetRole", "iam:ListRoles"], "Resource": "*"}]}))
    return {"provider_arn": arn, "role_arn": role["Arn"]}


def test_iam_oidc_provider_lifecycle(gateway):
    iam = client(gateway, "iam")
    url = "https://idp.example.com:8443/realms/x"
    arn = iam.create_open_id_connect_provider(
        Url=url, ClientIDList=["a"], ThumbprintList=["a" * 40],
        Tags=[{"Key": "team", "Value": "id"}])["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:oidc-provider/idp.example.com:8443/realms/x"
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="b")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="a")
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=["b" * 40])
    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "env", "Value": "ci"}])
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["ClientIDList"] == ["b"]
    assert got["ThumbprintList"] == ["b" * 40]
    assert {t["Key"] for t in got["Tags"]} == {"team", "env"}
    arns = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    assert arn in arns
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException):
        iam.create_open_id_connect_provider(Url=url, ClientIDList=["a"], ThumbprintList=["a" * 40])
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)


def test_iam_role_lifecycle_and_errors(gateway):
    iam = client(gateway, "iam")
    doc = trust_policy(gateway)
    role = iam.create_role(Path="/app/", RoleName="Lifecycle", AssumeRolePolicyDocument=doc,
                           Tags=[{"Key": "k", "Value": "v"}])["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/app/Lifecycle"
    assert role["RoleId"].startswith("AROA")
    got = iam.get_role(RoleName="Lifecycle")["Role"]
    # boto3 URL-decodes the document IAM returns percent-encoded.
    assert got["AssumeRolePolicyDocument"] == json.loads(doc)
    assert got["MaxSessionDuration"] == 3600
    iam.update_role(RoleName="Lifecycle", Description="d", MaxSessionDuration=43200)
    assert iam.get_role(RoleName="Lifecycle")["Role"]["MaxSessionDuration"] == 43200
    names = [r["RoleName"] for r in iam.list_roles(PathPrefix="/app/")["Roles"]]
    assert names == ["Lifecycle"]
    with pytest.raises(iam.exceptions.MalformedPolicyDocumentException):
        iam.update_assume_role_policy(RoleName="Lifecycle", PolicyDocument="{not json")
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException):
        iam.create_role(RoleName="lifecycle", AssumeRolePolicyDocument=doc)
    iam.put_role_policy(RoleName="Lifecycle", PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    assert iam.list_role_policies(RoleName="Lifecycle")["PolicyNames"] == ["p"]
    assert iam.get_role_policy(RoleName="Lifecycle", PolicyName="p")["PolicyDocument"]["Statement"][0]["Action"] == "s3:*"
    with pytest.raises(iam.exceptions.DeleteConflictException):
        iam.delete_role(RoleName="Lifecycle")
    iam.delete_role_policy(RoleName="Lifecycle", PolicyName="p")
    iam.delete_role(RoleName="Lifecycle")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName="Lifecycle")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        iam.create_role(RoleName="x" * 65, AssumeRolePolicyDocument=doc)
    assert e.value.response["Error"]["Code"] == "ValidationError"


def test_iam_users_groups_keys(gateway):
    iam = client(gateway, "iam")
    user = iam.create_user(UserName="interop-user", Path="/ops/",
                           Tags=[{"Key": "team", "Value": "ops"}])["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/ops/interop-user"
    assert user["UserId"].startswith("AIDA")
    assert iam.get_user(UserName="interop-user")["User"]["Tags"] == [{"Key": "team", "Value": "ops"}]
    assert iam.get_user()["User"]["UserName"] == gateway["admin"]["user_name"]
    group = iam.create_group(GroupName="interop-group")["Group"]
    assert group["GroupId"].startswith("AGPA")
    iam.add_user_to_group(GroupName="interop-group", UserName="interop-user")
    got = iam.get_group(GroupName="interop-group")
    assert [u["UserName"] for u in got["Users"]] == ["interop-user"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="interop-user")["Groups"]] == ["interop-group"]
    key = iam.create_access_key(UserName="interop-user")["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["SecretAccessKey"]) == 40
    listed = iam.list_access_keys(UserName="interop-user")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["AccessKeyId"]]
    assert "SecretAccessKey" not in listed[0]
    last = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert last["ServiceName"] == "N/A" and last["Region"] == "N/A"
    sts = client(gateway, "sts", {"aws_access_key_id": key["AccessKeyId"],
                                  "aws_secret_access_key": key["SecretAccessKey"]})
    ident = sts.get_caller_identity()
    assert ident["Arn"] == user["Arn"] and ident["UserId"] == user["UserId"]
    last = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert last["ServiceName"] == "sts" and last["Region"] == REGION
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_user_policy(UserName="interop-user", PolicyName="p", PolicyDocument=json.dumps(doc))
    assert iam.get_user_policy(UserName="interop-user", PolicyName="p")["PolicyDocument"] == doc
    iam.put_group_policy(GroupName="interop-group", PolicyName="g", PolicyDocument=json.dumps(doc))
    assert iam.list_group_policies(GroupName="interop-group")["PolicyNames"] == ["g"]
    with pytest.raises(iam.exceptions.DeleteConflictException):
        iam.delete_user(UserName="interop-user")
    iam.update_access_key(UserName="interop-user", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sts.get_caller_identity()
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"
    iam.delete_access_key(UserName="interop-user", AccessKeyId=key["AccessKeyId"])
    iam.delete_user_policy(UserName="interop-user", PolicyName="p")
    iam.delete_group_policy(GroupName="interop-group", PolicyName="g")
    iam.remove_user_from_group(GroupName="interop-group", UserName="interop-user")
    iam.delete_group(GroupName="interop-group")
    iam.delete_user(UserName="interop-user")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName="interop-user")
    iam.create_account_alias(AccountAlias="interop-corp")
    assert iam.list_account_aliases()["AccountAliases"] == ["interop-corp"]
    iam.delete_account_alias(AccountAlias="interop-corp")


def access_denied(call, **kwargs):
    """The AccessDenied message of a refused boto3 call."""
    with pytest.raises(botocore.exceptions.ClientError) as e:
        call(**kwargs)
    err = e.value.response["Error"]
    assert err["Code"] == "AccessDenied", err
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    return err["Message"]


def keys_of(key):
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def test_story_developers_group_boundary_and_change_password_user(gateway):
    admin = client(gateway, "iam")
    admin.create_group(GroupName="developers")
    admin.attach_group_policy(GroupName="developers",
                              PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")
    alice_arn = admin.create_user(UserName="alice")["User"]["Arn"]
    admin.add_user_to_group(GroupName="developers", UserName="alice")
    alice_keys = keys_of(admin.create_access_key(UserName="alice")["AccessKey"])
    alice_iam = client(gateway, "iam", alice_keys)
    alice_sts = client(gateway, "sts", alice_keys)

    # What PowerUserAccess allows...
    assert alice_sts.get_caller_identity()["Arn"] == alice_arn
    assert "Roles" in alice_iam.list_roles()
    # ...and what it does not, in AWS's words.
    assert access_denied(alice_iam.create_user, UserName="mallory") == (
        f"User: {alice_arn} is not authorized to perform: iam:CreateUser on resource: "
        f"arn:aws:iam::{ACCOUNT}:user/mallory because no identity-based policy allows "
        "the iam:CreateUser action")

    # A permissions boundary narrows her further.
    cap = admin.create_policy(PolicyName="whoami-only", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]}))["Policy"]["Arn"]
    admin.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=cap)
    assert access_denied(alice_iam.list_roles) == (
        f"User: {alice_arn} is not authorized to perform: iam:ListRoles on resource: "
        f"arn:aws:iam::{ACCOUNT}:role/ because no permissions boundary allows the iam:ListRoles action")
    assert alice_sts.get_caller_identity()["Arn"] == alice_arn

    # A user with only IAMUserChangePassword can do only that (and ask who she is).
    bob_arn = admin.create_user(UserName="bob")["User"]["Arn"]
    admin.attach_user_policy(UserName="bob",
                             PolicyArn="arn:aws:iam::aws:policy/IAMUserChangePassword")
    bob_keys = keys_of(admin.create_access_key(UserName="bob")["AccessKey"])
    bob_iam = client(gateway, "iam", bob_keys)
    assert client(gateway, "sts", bob_keys).get_caller_identity()["Arn"] == bob_arn
    for call, kwargs in [(bob_iam.list_users, {}), (bob_iam.list_roles, {}),
                         (bob_iam.create_access_key, {}), (bob_iam.get_user, {})]:
        assert "because no identity-based policy allows" in access_denied(call, **kwargs)


def test_boto3_web_identity_then_caller_identity(gateway, web_role):
    token = mint(gateway, sub="alice-sub", aud="demo-app")
    out = unsigned_sts(gateway).assume_role_with_web_identity(
        RoleArn=web_role["role_arn"], RoleSessionName="alice", WebIdentityToken=token, DurationSeconds=900)
    assert out["SubjectFromWebIdentityToken"] == "alice-sub"
    assert out["Audience"] == "demo-app"
    assert out["Provider"] == web_role["provider_arn"]
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    sts = client(gateway, "sts", {"aws_access_key_id": creds["AccessKeyId"],
                                  "aws_secret_access_key": creds["SecretAccessKey"],
                                  "aws_session_token": creds["SessionToken"]})
    me = sts.get_caller_identity()
    assert me["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/web/alice"
    assert me["Account"] == ACCOUNT
    assert me["UserId"].startswith("AROA") and me["UserId"].endswith(":alice")


def test_boto3_bad_token_and_audience(gateway, web_role):
    sts = unsigned_sts(gateway)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sts.assume_role_with_web_identity(RoleArn=web_role["role_arn"], RoleSessionName="xx",
                                          WebIdentityToken="not-a-jwt")
    assert e.value.response["Error"]["Code"] == "InvalidIdentityToken"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sts.assume_role_with_web_identity(RoleArn=web_role["role_arn"], RoleSessionName="xx",
                                          WebIdentityToken=mint(gateway, aud="someone-else"))
    assert e.value.response["Error"]["Code"] == "InvalidIdentityToken"


def aws(gw, *args, env=None):
    full = [AWS_BIN, *args, "--endpoint-url", gw["url"], "--region", REGION, "--output", "json"]
    return subprocess.run(full, capture_output=True, text=True, env=env or clean_env(), timeout=60)


def test_aws_cli_web_identity(gateway, web_role):
    token = mint(gateway, sub="cli-user")
    r = aws(gateway, "sts", "assume-role-with-web-identity", "--no-sign-request",
            "--role-arn", web_role["role_arn"], "--role-session-name", "cli",
            "--web-identity-token", token)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/web/cli"


def test_aws_cli_web_identity_environment(gateway, web_role, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(mint(gateway, sub="env-user"))
    env = clean_env()
    env.update({
        "AWS_ROLE_ARN": web_role["role_arn"],
        "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file),
        "AWS_ROLE_SESSION_NAME": "from-env",
        "AWS_ENDPOINT_URL_STS": gateway["url"],
    })
    r = subprocess.run([AWS_BIN, "sts", "get-caller-identity", "--region", REGION, "--output", "json"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/web/from-env"


def test_aws_cli_iam_with_admin_keys(gateway, web_role):
    env = clean_env()
    env["AWS_ACCESS_KEY_ID"] = gateway["admin"]["access_key_id"]
    env["AWS_SECRET_ACCESS_KEY"] = gateway["admin"]["secret_access_key"]
    r = aws(gateway, "iam", "get-role", "--role-name", "web", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["Role"]["Arn"] == web_role["role_arn"]
    r = aws(gateway, "iam", "get-role", "--role-name", "nope", env=env)
    assert r.returncode != 0 and "NoSuchEntity" in r.stderr


def mint_saml(gw, **body):
    req = urllib.request.Request(f"{gw['issuer']}/mint/saml", data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)["saml_response"]


@pytest.fixture(scope="module")
def saml_role(gateway):
    with urllib.request.urlopen(f"{gateway['issuer']}/saml/metadata", timeout=5) as r:
        metadata = r.read().decode()
    iam = client(gateway, "iam")
    provider = iam.create_saml_provider(Name="MockSaml", SAMLMetadataDocument=metadata,
                                        Tags=[{"Key": "team", "Value": "interop"}])["SAMLProviderArn"]
    assert iam.list_saml_provider_tags(SAMLProviderArn=provider)["Tags"] == [
        {"Key": "team", "Value": "interop"}]
    got = iam.get_saml_provider(SAMLProviderArn=provider)
    assert "IDPSSODescriptor" in got["SAMLMetadataDocument"]
    trust = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": provider},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
        }],
    })
    role = iam.create_role(RoleName="saml", AssumeRolePolicyDocument=trust)["Role"]
    return {"provider_arn": provider, "role_arn": role["Arn"],
            "issuer": f"{gateway['issuer']}/saml"}


def test_boto3_assume_role_with_saml(gateway, saml_role):
    saml = mint_saml(gateway, roles=[f"{saml_role['role_arn']},{saml_role['provider_arn']}"],
                     name_id="alice@example.org", layout="adfs")
    sts = unsigned_sts(gateway)
    out = sts.assume_role_with_saml(RoleArn=saml_role["role_arn"],
                                    PrincipalArn=saml_role["provider_arn"],
                                    SAMLAssertion=saml, DurationSeconds=900)
    assert out["Subject"] == "alice@example.org"
    assert out["SubjectType"] == "persistent"
    assert out["Issuer"] == saml_role["issuer"]
    assert out["Audience"] == "https://signin.aws.amazon.com/saml"
    assert out["AssumedRoleUser"]["Arn"] == \
        f"arn:aws:sts::{ACCOUNT}:assumed-role/saml/alice@example.org"
    creds = out["Credentials"]
    me = client(gateway, "sts", {"aws_access_key_id": creds["AccessKeyId"],
                                 "aws_secret_access_key": creds["SecretAccessKey"],
                                 "aws_session_token": creds["SessionToken"]}).get_caller_identity()
    assert me["Arn"] == out["AssumedRoleUser"]["Arn"]
    # One-time use by default.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sts.assume_role_with_saml(RoleArn=saml_role["role_arn"],
                                  PrincipalArn=saml_role["provider_arn"], SAMLAssertion=saml)
    assert e.value.response["Error"]["Code"] == "InvalidIdentityToken"
    assert "already been used" in e.value.response["Error"]["Message"]


def test_aws_cli_assume_role_with_saml(gateway, saml_role):
    saml = mint_saml(gateway, roles=[f"{saml_role['provider_arn']},{saml_role['role_arn']}"],
                     name_id="bob", layout="keycloak")
    r = aws(gateway, "sts", "assume-role-with-saml", "--no-sign-request",
            "--role-arn", saml_role["role_arn"], "--principal-arn", saml_role["provider_arn"],
            "--saml-assertion", saml)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/saml/bob"
    assert out["Credentials"]["AccessKeyId"].startswith("ASIA")


class WebDriver:
    """Just enough of the W3C WebDriver HTTP API (chromedriver) over urllib."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.base}{path}", data=data, method=method,
                                     headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.load(r)["value"]
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path}: {e.read().decode()}") from e

    def start(self, profile_dir):
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                f"--user-data-dir={profile_dir}"]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]
        # Element lookups wait for the page that a click is loading.
        self.call("POST", self.s("/timeouts"), {"implicit": 10000, "pageLoad": 30000})

    def s(self, path):
        return f"/session/{self.session}{path}"

    def go(self, url):
        self.call("POST", self.s("/url"), {"url": url})

    def find(self, css):
        found = self.call("POST", self.s("/element"), {"using": "css selector", "value": css})
        return next(iter(found.values()))

    def click(self, css):
        self.call("POST", self.s(f"/element/{self.find(css)}/click"), {})

    def text(self, css):
        return self.call("GET", self.s(f"/element/{self.find(css)}/text"))

    def url(self):
        return self.call("GET", self.s("/url"))

    def quit(self):
        if self.session:
            self.call("DELETE", self.s(""))


CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def serve_once(html):
    """A one-page HTTP server standing in for the IdP's POST-binding page."""
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.skipif(CHROMEDRIVER is None, reason="chromium-driver is not installed (scripts/test.sh installs it)")
def test_chromium_saml_browser_sign_in(gateway, saml_role, tmp_path):
    iam = client(gateway, "iam")
    trust = iam.get_role(RoleName="saml")["Role"]["AssumeRolePolicyDocument"]
    if not isinstance(trust, str):
        trust = json.dumps(trust)
    reader = iam.create_role(RoleName="saml-reader", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    saml = mint_saml(gateway, name_id="erin@example.org", layout="keycloak", roles=[
        f"{saml_role['role_arn']},{saml_role['provider_arn']}",
        f"{reader},{saml_role['provider_arn']}"])
    page = serve_once(
        "<!DOCTYPE html><html><body>"
        f"<form method='post' action='{gateway['url']}/saml'>"
        f"<input type='hidden' name='SAMLResponse' value='{saml}'>"
        "<input type='hidden' name='RelayState' value='from-chromium'>"
        "<button type='submit' id='go'>Continue</button></form></body></html>")
    port = free_port()
    driver_proc = subprocess.Popen([CHROMEDRIVER, f"--port={port}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wd = WebDriver(port)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/status", driver_proc)
        wd.start(tmp_path / "profile")
        wd.go(f"http://127.0.0.1:{page.server_address[1]}/")
        wd.click("#go")
        assert wd.text("#subject") == "erin@example.org"
        assert wd.url() == f"{gateway['url']}/saml"
        wd.click(f"button[data-role='{reader}']")
        assert wd.text("#role") == reader
        assert wd.text("#relay-state") == "from-chromium"
        lines = wd.text("#exports").splitlines()
        assert [line.split("=", 1)[0] for line in lines] == [
            "export AWS_ACCESS_KEY_ID", "export AWS_SECRET_ACCESS_KEY", "export AWS_SESSION_TOKEN"]
        values = [line.split("=", 1)[1] for line in lines]
        assert values[0].startswith("ASIA")
        # No secret in the address bar.
        assert values[1] not in wd.url() and values[2] not in wd.url()
        me = client(gateway, "sts", {"aws_access_key_id": values[0],
                                     "aws_secret_access_key": values[1],
                                     "aws_session_token": values[2]}).get_caller_identity()
        assert me["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/saml-reader/erin@example.org"
        # Going back and re-submitting the IdP form is refused: one-time use.
        wd.go(f"http://127.0.0.1:{page.server_address[1]}/")
        wd.click("#go")
        assert "already been used" in wd.text("#error-message")
    finally:
        wd.quit()
        driver_proc.terminate()
        driver_proc.wait(timeout=10)
        page.shutdown()


def test_demo_prints_commands_that_work(tmp_path):
    """`serve --demo` prints shell commands; pasted into bash they work."""
    port = free_port()
    data = tmp_path / "demo-data"
    proc = subprocess.Popen(
        [BIN, "serve", "--demo", "--listen", f"127.0.0.1:{port}", "--data-dir", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=clean_env(),
    )
    try:
        printed = []
        for line in proc.stdout:
            printed.append(line.rstrip("\n"))
            if "aws sts get-caller-identity" in line:
                break
        wait_healthy(f"http://127.0.0.1:{port}/healthz", proc)
        # Commands are the indented lines from step 1 on; a trailing backslash
        # continues a command on the next line, as in a shell.
        start = next(i for i, l in enumerate(printed) if l.startswith("1. "))
        commands = [l.strip() for l in printed[start:] if l.startswith("  ") and not l.strip().endswith(":")]
        script = "set -euo pipefail\n" + "\n".join(
            c if c.endswith("\\") else c + "\necho" for c in commands)
        env = clean_env()
        env["PATH"] = os.path.dirname(AWS_BIN) + os.pathsep + env.get("PATH", "")
        r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        assert '"AssumedRoleUser"' in r.stdout  # aws sts assume-role-with-web-identity
        assert "<AccessKeyId>ASIA" in r.stdout  # curl
        assert f"arn:aws:sts::{ACCOUNT}:assumed-role/demo-web-identity/alice" in r.stdout  # env flow
    finally:
        proc.terminate()
        proc.wait(timeout=10)
