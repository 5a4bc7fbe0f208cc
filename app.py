def handler(event, context):
    for r in event["Records"]:
        print("order", r["body"])
