def handler(event, context):
    print(event["detail-type"], event["detail"])
