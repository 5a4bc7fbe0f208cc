"""seki's Lambda runtime for Python.

seki embeds this file and runs it with the host's python3 for the python3.x
runtimes. It speaks the Lambda Runtime API (2018-06-01) at
AWS_LAMBDA_RUNTIME_API: it loads the handler named by _HANDLER
("module.function", the module relative to LAMBDA_TASK_ROOT), then asks for
one invocation at a time and posts the handler's result or its error in
AWS's shape. It uses only the standard library.
"""
import importlib
import json
import logging
import os
import socket
import sys
import time

API_PREFIX = "/2018-06-01/runtime"
THIS_FILE = os.path.abspath(__file__)
# The AWS SDK seki provides (a link into `seki runtimes install`'s cache).
SDK_DIR = os.path.join(os.path.dirname(THIS_FILE), "python-sdk")


class Fault(Exception):
    """A runtime-level failure with AWS's error type (Runtime.*)."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


class Client:
    """A keep-alive HTTP/1.1 client for the Runtime API over a plain socket
    (http.client costs a cold start some 15 ms of imports)."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.addr = (host, int(port))
        self.sock = None
        self.buf = b""

    def call(self, method, path, body=b"", headers=None):
        lines = ["%s %s%s HTTP/1.1" % (method, API_PREFIX, path), "Host: %s:%d" % self.addr,
                 "Content-Length: %d" % len(body)]
        for k, v in (headers or {}).items():
            lines.append("%s: %s" % (k, str(v).replace("\r", " ").replace("\n", " ")))
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body
        for attempt in (0, 1):
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(self.addr)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    self.buf = b""
                self.sock.sendall(request)
                return self.read_response()
            except OSError:
                if self.sock is not None:
                    self.sock.close()
                self.sock = None
                if attempt:
                    raise

    def fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the Runtime API closed the connection")
        self.buf += chunk

    def read_until(self, sep):
        while True:
            i = self.buf.find(sep)
            if i >= 0:
                out, self.buf = self.buf[:i], self.buf[i + len(sep):]
                return out
            self.fill()

    def read_exactly(self, n):
        while len(self.buf) < n:
            self.fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_response(self):
        head = self.read_until(b"\r\n\r\n").decode("utf-8", "replace").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        headers = {}
        for line in head[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.read_until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    self.read_until(b"\r\n")
                    break
                body += self.read_exactly(size)
                self.read_until(b"\r\n")
        else:
            body = self.read_exactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.sock.close()
            self.sock = None
        return status, headers, body

    def next(self):
        status, headers, body = self.call("GET", "/invocation/next")
        if status != 200:
            raise RuntimeError("next: unexpected status %d" % status)
        return headers, body

    def post_response(self, request_id, body):
        return self.call("POST", "/invocation/%s/response" % request_id, body,
                         {"Content-Type": "application/json"})

    def post_error(self, request_id, error):
        return self.call("POST", "/invocation/%s/error" % request_id, to_bytes(error),
                         {"Content-Type": "application/json",
                          "Lambda-Runtime-Function-Error-Type": error["errorType"]})

    def post_init_error(self, error):
        return self.call("POST", "/init/error", to_bytes(error),
                         {"Content-Type": "application/json",
                          "Lambda-Runtime-Function-Error-Type": error["errorType"]})


def to_bytes(obj):
    return json.dumps(obj).encode("utf-8")


def make_error(message, error_type, stack_trace, request_id=""):
    return {
        "errorMessage": message if message else "",
        "errorType": error_type if error_type else "",
        "requestId": request_id,
        "stackTrace": stack_trace if stack_trace else [],
    }


def user_frames(tb):
    """The traceback's frames without this runtime's own."""
    import traceback  # only when something failed: it costs a cold start

    frames = traceback.extract_tb(tb)
    while frames and os.path.abspath(frames[0].filename) == THIS_FILE:
        frames = frames[1:]
    return traceback.format_list(frames)


def fault_result(exc, request_id=""):
    if isinstance(exc, Fault):
        return make_error(exc.message, exc.error_type, exc.trace, request_id)
    return make_error(str(exc), type(exc).__name__, user_frames(exc.__traceback__), request_id)


def log_error(err):
    """Logs an error as one event: lines joined by carriage returns, the
    indentation kept with non-breaking spaces, as AWS's runtime does."""
    lines = ["[ERROR] " + err["errorType"] + ": " + err["errorMessage"]]
    if err["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        for element in err["stackTrace"]:
            for line in element.splitlines():
                stripped = line.lstrip(" ")
                lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    sys.stdout.write("\r".join(lines) + "\n")
    sys.stdout.flush()


# Context ------------------------------------------------------------------


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id, self.cognito_identity_pool_id)


class Client_:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext:
    __slots__ = ["custom", "env", "client"]


def make_identity(raw):
    identity = CognitoIdentity()
    identity.cognito_identity_id = None
    identity.cognito_identity_pool_id = None
    if raw:
        data = json.loads(raw)
        identity.cognito_identity_id = data.get("cognitoIdentityId")
        identity.cognito_identity_pool_id = data.get("cognitoIdentityPoolId")
    return identity


def make_client_context(raw):
    if not raw:
        return None
    data = json.loads(raw)
    ctx = ClientContext()
    ctx.custom = data.get("custom")
    ctx.env = data.get("env")
    ctx.client = None
    client = data.get("client")
    if client is not None:
        c = Client_()
        c.installation_id = client.get("installation_id")
        c.app_title = client.get("app_title")
        c.app_version_name = client.get("app_version_name")
        c.app_version_code = client.get("app_version_code")
        c.app_package_name = client.get("app_package_name")
        ctx.client = c
    return ctx


class LambdaContext:
    def __init__(self, request_id, deadline_ms, invoked_arn, identity, client_context):
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_arn
        self.identity = identity
        self.client_context = client_context
        self.tenant_id = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def __repr__(self):
        return ("LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,"
                "memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,identity=%s])" % (
                    self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
                    self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
                    self.client_context, self.identity))


# Logging ------------------------------------------------------------------

CURRENT_REQUEST_ID = [""]


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = CURRENT_REQUEST_ID[0]
        return True


class LambdaHandler(logging.Handler):
    """Writes each record as one event: newlines become carriage returns."""

    def emit(self, record):
        try:
            msg = self.format(record)
            sys.stdout.write(msg.replace("\n", "\r") + "\n")
            sys.stdout.flush()
        except Exception:
            self.handleError(record)


def setup_logging():
    handler = LambdaHandler()
    fmt = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
                            "%Y-%m-%dT%H:%M:%S")
    fmt.converter = time.gmtime
    handler.setFormatter(fmt)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)


# Handler loading ----------------------------------------------------------


def fault_handler(fault):
    def handler(*_):
        raise fault
    return handler


def load_handler(spec):
    """Returns the handler function. Import and lookup failures become a
    handler that raises the fault, so that each invocation reports it (as
    AWS's runtime does); a malformed name or an exception raised while the
    module runs fails the init instead."""
    try:
        modname, fname = spec.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (spec, e))
    if modname.split(".")[0] in sys.builtin_module_names:
        raise Fault("Runtime.BuiltInModuleConflict", "Cannot use built-in module %s as a handler module" % modname)
    try:
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        msg = "Unable to import module '%s': %s" % (modname, e)
        if (getattr(e, "name", None) or "").split(".")[0] in ("boto3", "botocore") and not os.path.isdir(SDK_DIR):
            # Lambda always has boto3; here it comes from seki's cache.
            msg += " (seki: the AWS SDK for Python is not installed; run `seki runtimes install`)"
        return fault_handler(Fault("Runtime.ImportModuleError", msg))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        return fault_handler(Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (modname, e), trace))
    try:
        return getattr(module, fname)
    except AttributeError:
        return fault_handler(Fault("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fname, modname)))


def setup_path():
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    opt = sys.argv[1] if len(sys.argv) > 1 else ""
    front = [task_root]
    if opt:
        v = "python%d.%d" % sys.version_info[:2]
        declared = os.environ.get("AWS_EXECUTION_ENV", "").replace("AWS_Lambda_", "")
        for name in dict.fromkeys([declared, v]):
            if name.startswith("python3"):
                front.append(os.path.join(opt, "python", "lib", name, "site-packages"))
        front.append(os.path.join(opt, "python"))
    # The AWS SDK (boto3) seki provides comes after the function's code and
    # layers, as /var/runtime does in Lambda, so a bundled copy wins.
    if os.path.isdir(SDK_DIR):
        front.append(SDK_DIR)
    sys.path[:0] = [p for p in front if p not in sys.path]
    # python runs with -S (no site-packages of the host); the builtins the
    # site module adds (exit, quit, help, ...) are still a function's.
    try:
        import site
        site.setquit()
        site.setcopyright()
        site.sethelper()
    except Exception:
        pass


# Main loop ----------------------------------------------------------------


def main():
    client = Client(os.environ["AWS_LAMBDA_RUNTIME_API"])
    setup_path()
    setup_logging()
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except Exception as e:
        err = fault_result(e)
        log_error(err)
        client.post_init_error(err)
        sys.exit(1)

    while True:
        headers, body = client.next()
        request_id = headers.get("lambda-runtime-aws-request-id", "")
        CURRENT_REQUEST_ID[0] = request_id
        trace = headers.get("lambda-runtime-trace-id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        try:
            context = LambdaContext(
                request_id,
                int(headers.get("lambda-runtime-deadline-ms", "0")),
                headers.get("lambda-runtime-invoked-function-arn"),
                make_identity(headers.get("lambda-runtime-cognito-identity")),
                make_client_context(headers.get("lambda-runtime-client-context")),
            )
            event = json.loads(body) if body else {}
            result = handler(event, context)
        except Exception as e:
            err = fault_result(e, request_id)
            log_error(err)
            client.post_error(request_id, err)
            continue
        try:
            payload = json.dumps(result).encode("utf-8")
        except (TypeError, ValueError) as e:
            err = make_error("Unable to marshal response: %s" % e, "Runtime.MarshalError", [], request_id)
            log_error(err)
            client.post_error(request_id, err)
            continue
        client.post_response(request_id, payload)


if __name__ == "__main__":
    main()
