"""my-function (account A, 111111111111): answers whoever Lambda lets in.
Who may call it is not this code's business: Lambda decides before it runs,
from account A's function policy and the caller's own identity policies.
"""


def handler(event, context):
    return {"message": "hello from " + context.invoked_function_arn, "event": event}
