#!/bin/sh
# A bucket in account 123456789012 triggers a function in account
# 987654321098, with the AWS CLI, against a seki that knows both accounts:
#
#   go run ./cmd/seki serve --root-key 000000000000:test:test \
#     --root-key 123456789012:bucket-owner:bucket-owner-secret \
#     --root-key 987654321098:function-owner:function-owner-secret
#   sh examples/cross-account-trigger/run.sh
#
# BUCKET_OWNER_KEY/_SECRET and FUNCTION_OWNER_KEY/_SECRET override the keys.
# Safe to run again.
set -eu
cd "$(dirname "$0")"

export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://127.0.0.1:4566}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_PAGER=""
unset AWS_PROFILE AWS_SESSION_TOKEN 2>/dev/null || true
BUCKET_OWNER_KEY="${BUCKET_OWNER_KEY:-bucket-owner}"
BUCKET_OWNER_SECRET="${BUCKET_OWNER_SECRET:-bucket-owner-secret}"
FUNCTION_OWNER_KEY="${FUNCTION_OWNER_KEY:-function-owner}"
FUNCTION_OWNER_SECRET="${FUNCTION_OWNER_SECRET:-function-owner-secret}"
FUNCTION=my-lambda-function
ROLE=my-lambda-function-role
BUCKET=source-s3-bucket-name
OTHER=other-s3-bucket-name
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

step() { printf '\n== %s\n' "$*"; }
bucket_owner() { AWS_ACCESS_KEY_ID="$BUCKET_OWNER_KEY" AWS_SECRET_ACCESS_KEY="$BUCKET_OWNER_SECRET" aws "$@"; }
function_owner() { AWS_ACCESS_KEY_ID="$FUNCTION_OWNER_KEY" AWS_SECRET_ACCESS_KEY="$FUNCTION_OWNER_SECRET" aws "$@"; }

step "Accounts: bucket owner $(bucket_owner sts get-caller-identity --query Account --output text)," \
	"function owner $(function_owner sts get-caller-identity --query Account --output text)"

step "987654321098: role $ROLE and function $FUNCTION"
function_owner iam create-role --role-name "$ROLE" --assume-role-policy-document file://trust-policy.json >/dev/null 2>&1 ||
	function_owner iam update-assume-role-policy --role-name "$ROLE" --policy-document file://trust-policy.json
function_owner iam put-role-policy --role-name "$ROLE" --policy-name read-source --policy-document file://role-policy.json
function_owner lambda delete-function --function-name "$FUNCTION" >/dev/null 2>&1 || true
(cd function && python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w"); z.write("handler.py"); z.close()' "$tmp/function.zip")
function_owner lambda create-function --function-name "$FUNCTION" --runtime python3.12 --handler handler.handler \
	--role "arn:aws:iam::987654321098:role/$ROLE" --timeout 30 --zip-file "fileb://$tmp/function.zip" \
	--query FunctionArn --output text

step "987654321098: the function's policy lets S3 invoke it for source-s3-bucket-name of 123456789012"
function_owner lambda add-permission --function-name "$FUNCTION" --statement-id s3-source-s3-bucket-name \
	--action lambda:InvokeFunction --principal s3.amazonaws.com \
	--source-arn "arn:aws:s3:::$BUCKET" --source-account 123456789012 --query Statement --output text

step "123456789012: bucket $BUCKET, its policy lets the function's role read, and the notification"
bucket_owner s3api create-bucket --bucket "$BUCKET" >/dev/null 2>&1 || echo "(bucket already there)"
bucket_owner s3api put-bucket-policy --bucket "$BUCKET" --policy file://bucket-policy.json
bucket_owner s3api put-bucket-notification-configuration --bucket "$BUCKET" \
	--notification-configuration file://notification.json
echo "accepted"

step "123456789012: the same notification on $OTHER is refused (the function's policy names $BUCKET only)"
bucket_owner s3api create-bucket --bucket "$OTHER" >/dev/null 2>&1 || echo "(bucket already there)"
if bucket_owner s3api put-bucket-notification-configuration --bucket "$OTHER" \
	--notification-configuration file://notification.json 2>"$tmp/err"; then
	echo "unexpectedly accepted" >&2
	exit 1
fi
cat "$tmp/err"

step "123456789012 uploads; the function in 987654321098 runs and reads the object"
key="hello-$(date +%s).txt"
start=$(($(date +%s) * 1000 - 1000))
echo "hello from 123456789012" >"$tmp/hello.txt"
bucket_owner s3api put-object --bucket "$BUCKET" --key "$key" --body "$tmp/hello.txt" >/dev/null
i=0
while [ $i -lt 60 ]; do
	line=$(function_owner logs filter-log-events --log-group-name "/aws/lambda/$FUNCTION" --start-time "$start" \
		--filter-pattern "\"$key\"" --query 'events[0].message' --output text 2>/dev/null || true)
	if [ -n "$line" ] && [ "$line" != "None" ]; then
		echo "$line"
		exit 0
	fi
	sleep 0.5
	i=$((i + 1))
done
echo "the function did not run" >&2
exit 1
