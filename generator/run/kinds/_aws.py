"""What the AWS check kinds share (not a kind itself): options, clients, errors.

boto3 is an optional extra (``pip install runbooks[aws]``), imported only when
an AWS check runs. boto3 blocks, so each probe runs in a thread with socket
timeouts sized from the check's own timeout and a single attempt: retrying is
the runner's business, not botocore's. Every botocore exception is mapped to a
result here (``outcome_for``), in one place, as ``engine.classify`` does for
the network stack.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Callable

from generator.format.options import Str
from generator.run.kinds.base import PROBE_TIMEOUT
from generator.run.results import Outcome, State, bounded

__all__ = ["AWS_FIELDS", "VAR_DEFAULTS", "INSTALL_HINT", "call", "outcome_for", "timestamp"]

AWS_FIELDS = {
    "region": Str("AWS region. Default: the mode variable `aws_region`, else the standard AWS configuration.",
                  example="eu-west-1"),
    "profile": Str("Named AWS profile. Default: the mode variable `aws_profile`, else the standard credential chain.",
                   example="ops-readonly"),
    "endpoint_url": Str("API endpoint (an emulator, a VPC endpoint). Default: the mode variable `aws_endpoint_url`, "
                        "else `AWS_ENDPOINT_URL` or the public endpoint.", example="http://127.0.0.1:18300"),
}

# Keys of an AWS check that default to a mode variable when the check leaves them out
# (read by model._check_spec), so one aws_region in _project.yaml serves every check.
VAR_DEFAULTS = {"region": "aws_region", "profile": "aws_profile", "endpoint_url": "aws_endpoint_url"}

INSTALL_HINT = "boto3 is not installed: install runbooks[aws]"

# Error codes meaning "we may not look", not "what we looked at is wrong".
_AUTH_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException",
    "InvalidClientTokenId", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException",
    "AuthFailure", "InvalidSignatureException", "MissingAuthenticationToken",
})
# Error codes meaning the checked resource itself does not exist: a real failure.
_MISSING_CODES = frozenset({
    "NoSuchBucket", "ClusterNotFoundException", "ServiceNotFoundException", "ResourceNotFoundException",
})

# Our own threads: the default executor has only cores + 4, and a check waiting there for
# a thread would spend its timeout queued. The run's --concurrency still bounds the calls.
_POOL = ThreadPoolExecutor(max_workers=50, thread_name_prefix="runbooks-aws")
_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()  # boto3 sessions are not thread-safe while creating clients


async def call(params: dict[str, Any], service: str, work: Callable[[Any], Outcome]) -> Outcome:
    """Run ``work(client)`` in a thread; map whatever botocore raises to an Outcome."""
    try:
        import boto3  # noqa: F401  (optional extra)
    except ImportError:
        return Outcome(State.UNKNOWN, INSTALL_HINT, "error")
    timeout = PROBE_TIMEOUT.get()
    try:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_POOL, lambda: work(_client(service, params, timeout)))
    except Exception as exc:  # botocore's tree is mapped below; anything else goes to engine.classify
        mapped = outcome_for(exc)
        if mapped is None:
            raise
        return mapped


def _client(service: str, params: dict[str, Any], timeout: float) -> Any:
    """A cached client: creating one parses the service model (tens of ms)."""
    import boto3
    from botocore.config import Config

    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_")))
    key = (service, params.get("region"), params.get("profile"), params.get("endpoint_url"), timeout, env)
    with _clients_lock:
        if key not in _clients:
            # botocore gives up first, so the result names what timed out; the engine's limit still caps the probe
            socket_timeout = max(0.5, timeout * 0.75)
            config = Config(connect_timeout=socket_timeout, read_timeout=socket_timeout,
                            retries={"total_max_attempts": 1, "mode": "standard"})  # no retry: ours are separate
            session = boto3.session.Session(profile_name=params.get("profile"), region_name=params.get("region"))
            _clients[key] = session.client(service, endpoint_url=params.get("endpoint_url") or None, config=config)
        return _clients[key]


def outcome_for(exc: BaseException) -> Outcome | None:
    """The one map from botocore errors to results; None for errors that are not botocore's."""
    from botocore import exceptions as bx

    detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
    if isinstance(exc, bx.ClientError):
        return _client_error(exc)
    if isinstance(exc, bx.ReadTimeoutError):
        return Outcome(State.CRITICAL, f"AWS API timed out: {detail}", "timeout")
    if isinstance(exc, (bx.ConnectionError, bx.HTTPClientError)):
        return Outcome(State.CRITICAL, f"cannot reach the AWS API: {detail}", "connect")
    if isinstance(exc, bx.NoCredentialsError):
        return Outcome(State.UNKNOWN, "could not check: no AWS credentials found (env, profile or instance role)",
                       "error")
    if isinstance(exc, bx.BotoCoreError):  # profile not found, no region, bad parameter…
        return Outcome(State.UNKNOWN, f"could not check: {detail}", "error")
    if isinstance(exc, ValueError) and "endpoint" in detail.lower():
        return Outcome(State.UNKNOWN, f"could not check: {detail}", "error")
    return None


def _client_error(exc: Any) -> Outcome:
    error = exc.response.get("Error", {})
    code, message = str(error.get("Code", "")), str(error.get("Message", ""))
    shown = f"{code}: {message}" if message else code
    if code in _MISSING_CODES:
        return Outcome(State.CRITICAL, f"not found: {shown}", "assertion", code, bounded(str(exc)))
    if code in _AUTH_CODES or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 403:
        return Outcome(State.UNKNOWN, f"could not check: access denied ({shown})", "error", code, bounded(str(exc)))
    return Outcome(State.UNKNOWN, f"could not check: {shown}", "error", code, bounded(str(exc)))


def timestamp(value: Any) -> str:
    """AWS timestamps as operators read them: UTC, to the second."""
    if not isinstance(value, datetime):
        return str(value)
    utc = value.astimezone(timezone.utc) if value.tzinfo else value
    return utc.strftime("%Y-%m-%d %H:%M:%S UTC")
