#!/bin/sh
# The image pipeline with the AWS CLI, against a running seki:
#
#   go run ./cmd/seki serve          # in another terminal
#   sh examples/image-pipeline/run.sh
#
# It uses the usual AWS_* variables and defaults to seki's: endpoint
# http://127.0.0.1:4566, key test/test (account 000000000000), us-east-1.
# Safe to run again: it reuses what exists and replaces the function.
set -eu
cd "$(dirname "$0")"

export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://127.0.0.1:4566}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_PAGER=""
BUCKET=uploads
TABLE=image-metadata
FUNCTION=image-processor
ROLE=image-processor-role
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

step() { printf '\n== %s\n' "$*"; }

account=$(aws sts get-caller-identity --query Account --output text)
step "Caller: account $account"

step "Role $ROLE, trusted by lambda.amazonaws.com"
aws iam create-role --role-name "$ROLE" --assume-role-policy-document file://trust-policy.json >/dev/null 2>&1 ||
	aws iam update-assume-role-policy --role-name "$ROLE" --policy-document file://trust-policy.json
aws iam put-role-policy --role-name "$ROLE" --policy-name image-processor-permissions --policy-document file://permissions.json
role_arn=$(aws iam get-role --role-name "$ROLE" --query Role.Arn --output text)
echo "$role_arn may: s3:GetObject on arn:aws:s3:::$BUCKET/*, dynamodb:PutItem on table/$TABLE, write logs"

step "Table $TABLE"
aws dynamodb create-table --table-name "$TABLE" --billing-mode PAY_PER_REQUEST \
	--attribute-definitions AttributeName=key,AttributeType=S --key-schema AttributeName=key,KeyType=HASH >/dev/null 2>&1 ||
	echo "(already there)"
aws dynamodb delete-item --table-name "$TABLE" --key '{"key":{"S":"photos/cat.jpg"}}'
aws dynamodb delete-item --table-name "$TABLE" --key '{"key":{"S":"photos/dog.jpg"}}'

step "Function $FUNCTION (Python, boto3)"
aws lambda delete-function --function-name "$FUNCTION" >/dev/null 2>&1 || true
(cd function && python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w"); z.write("image_processor.py"); z.close()' "$tmp/function.zip")
function_arn=$(aws lambda create-function --function-name "$FUNCTION" --runtime python3.12 \
	--handler image_processor.handler --role "$role_arn" --timeout 30 \
	--environment "Variables={TABLE_NAME=$TABLE}" --zip-file "fileb://$tmp/function.zip" \
	--query FunctionArn --output text)
echo "$function_arn"

step "Bucket $BUCKET"
aws s3api create-bucket --bucket "$BUCKET" >/dev/null 2>&1 || echo "(already there)"
cat >"$tmp/notification.json" <<EOF
{"LambdaFunctionConfigurations": [{
  "Id": "jpg-uploads",
  "LambdaFunctionArn": "$function_arn",
  "Events": ["s3:ObjectCreated:*"],
  "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".jpg"}]}}
}]}
EOF

step "Notification before the function allows S3: refused"
if aws s3api put-bucket-notification-configuration --bucket "$BUCKET" \
	--notification-configuration "file://$tmp/notification.json"; then
	echo "unexpectedly accepted" >&2
	exit 1
fi

step "AddPermission: s3.amazonaws.com may invoke, for arn:aws:s3:::$BUCKET owned by $account"
aws lambda add-permission --function-name "$FUNCTION" --statement-id s3-uploads \
	--action lambda:InvokeFunction --principal s3.amazonaws.com \
	--source-arn "arn:aws:s3:::$BUCKET" --source-account "$account" --query Statement --output text

step "Notification on ObjectCreated for *.jpg: accepted"
aws s3api put-bucket-notification-configuration --bucket "$BUCKET" \
	--notification-configuration "file://$tmp/notification.json"

wait_item() {
	i=0
	while [ $i -lt 60 ]; do
		item=$(aws dynamodb get-item --table-name "$TABLE" --key "{\"key\":{\"S\":\"$1\"}}" --output json)
		if [ -n "$item" ]; then
			echo "$item"
			return 0
		fi
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

step "Upload photos/cat.jpg: the function stores its metadata"
aws s3api put-object --bucket "$BUCKET" --key photos/cat.jpg --body cat.jpg --content-type image/jpeg >/dev/null
wait_item photos/cat.jpg

step "Remove dynamodb:PutItem from $ROLE"
aws iam put-role-policy --role-name "$ROLE" --policy-name image-processor-permissions \
	--policy-document file://permissions-without-putitem.json

step "Upload photos/dog.jpg: the function runs, and PutItem is denied"
start=$(($(date +%s) * 1000 - 1000))
aws s3api put-object --bucket "$BUCKET" --key photos/dog.jpg --body cat.jpg --content-type image/jpeg >/dev/null
i=0
denial=""
while [ $i -lt 60 ]; do
	denial=$(aws logs filter-log-events --log-group-name "/aws/lambda/$FUNCTION" --start-time "$start" \
		--filter-pattern '"PutItem photos/dog.jpg failed"' --query 'events[0].message' --output text 2>/dev/null || true)
	if [ -n "$denial" ] && [ "$denial" != "None" ]; then
		break
	fi
	sleep 0.5
	i=$((i + 1))
done
echo "$denial"
case "$denial" in
*AccessDeniedException*) ;;
*)
	echo "no AccessDenied in the function's logs" >&2
	exit 1
	;;
esac
request_id=$(echo "$denial" | sed -n 's/.*(request id \([^)]*\)).*/\1/p')
echo
echo "Why? Ask seki:  seki explain $request_id"
