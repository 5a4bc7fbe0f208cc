#!/bin/sh
# A user of account B (222222222222) invokes a function of account A
# (111111111111), with the AWS CLI, against a seki that knows both accounts:
#
#   go run ./cmd/seki serve --root-key 000000000000:test:test \
#     --root-key 111111111111:account-a:account-a-secret \
#     --root-key 222222222222:account-b:account-b-secret
#   sh examples/cross-account-caller/run.sh
#
# It walks the matrix: A's function policy names B, the user, another account
# or nobody; B's identity policy allows the call or not. Only "A names B (or
# the user) and B allows" gets through. ACCOUNT_A_KEY/_SECRET and
# ACCOUNT_B_KEY/_SECRET override the keys. Safe to run again.
set -eu
cd "$(dirname "$0")"

export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://127.0.0.1:4566}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_PAGER=""
unset AWS_PROFILE AWS_SESSION_TOKEN 2>/dev/null || true
ACCOUNT_A_KEY="${ACCOUNT_A_KEY:-account-a}"
ACCOUNT_A_SECRET="${ACCOUNT_A_SECRET:-account-a-secret}"
ACCOUNT_B_KEY="${ACCOUNT_B_KEY:-account-b}"
ACCOUNT_B_SECRET="${ACCOUNT_B_SECRET:-account-b-secret}"
FUNCTION=my-function
FUNCTION_ARN=arn:aws:lambda:us-east-1:111111111111:function:$FUNCTION
USER=caller
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

step() { printf '\n== %s\n' "$*"; }
as_a() { AWS_ACCESS_KEY_ID="$ACCOUNT_A_KEY" AWS_SECRET_ACCESS_KEY="$ACCOUNT_A_SECRET" aws "$@"; }
as_b() { AWS_ACCESS_KEY_ID="$ACCOUNT_B_KEY" AWS_SECRET_ACCESS_KEY="$ACCOUNT_B_SECRET" aws "$@"; }

step "Account A: function $FUNCTION"
as_a iam create-role --role-name my-function-role --assume-role-policy-document file://trust-policy.json >/dev/null 2>&1 || true
as_a lambda delete-function --function-name "$FUNCTION" >/dev/null 2>&1 || true
(cd function && python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w"); z.write("handler.py"); z.close()' "$tmp/function.zip")
as_a lambda create-function --function-name "$FUNCTION" --runtime python3.12 --handler handler.handler \
	--role arn:aws:iam::111111111111:role/my-function-role --zip-file "fileb://$tmp/function.zip" \
	--query FunctionArn --output text

step "Account B: user $USER with an access key"
as_b iam create-user --user-name "$USER" >/dev/null 2>&1 || true
for k in $(as_b iam list-access-keys --user-name "$USER" --query 'AccessKeyMetadata[].AccessKeyId' --output text); do
	as_b iam delete-access-key --user-name "$USER" --access-key-id "$k"
done
as_b iam create-access-key --user-name "$USER" --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text >"$tmp/key"
read -r CALLER_KEY CALLER_SECRET <"$tmp/key"

# names PRINCIPAL|none: account A's function policy names PRINCIPAL, or nobody.
names() {
	as_a lambda remove-permission --function-name "$FUNCTION" --statement-id cross-account >/dev/null 2>&1 || true
	if [ "$1" != none ]; then
		as_a lambda add-permission --function-name "$FUNCTION" --statement-id cross-account \
			--action lambda:InvokeFunction --principal "$1" >/dev/null
	fi
}

# b_allows yes|no: account B's identity policy for the user allows the call, or not.
b_allows() {
	if [ "$1" = yes ]; then
		as_b iam put-user-policy --user-name "$USER" --policy-name invoke-a --policy-document file://caller-policy.json
	else
		as_b iam delete-user-policy --user-name "$USER" --policy-name invoke-a >/dev/null 2>&1 || true
	fi
}

# try LABEL allowed|denied: the user invokes; the outcome must be as expected.
try() {
	if AWS_ACCESS_KEY_ID="$CALLER_KEY" AWS_SECRET_ACCESS_KEY="$CALLER_SECRET" \
		aws lambda invoke --function-name "$FUNCTION_ARN" --payload '{}' "$tmp/out.json" >/dev/null 2>"$tmp/err"; then
		got=allowed
		detail=$(cat "$tmp/out.json")
	else
		got=denied
		detail=$(tr -d '\n' <"$tmp/err")
	fi
	printf '%-44s %s\n    %s\n' "$1" "$got" "$detail"
	if [ "$got" != "$2" ]; then
		echo "expected $2" >&2
		exit 1
	fi
}

step "The matrix"
names 222222222222; b_allows yes; try "A names account B,      B allows:" allowed
names 222222222222; b_allows no;  try "A names account B,      B does not:" denied
names none;         b_allows yes; try "A names nobody,         B allows:" denied
names none;         b_allows no;  try "A names nobody,         B does not:" denied
names 333333333333; b_allows yes; try "A names another account, B allows:" denied
names arn:aws:iam::222222222222:user/$USER; b_allows yes; try "A names the user,       B allows:" allowed
names arn:aws:iam::222222222222:user/$USER; b_allows no;  try "A names the user,       B does not:" denied
