"""Result files in S3 (``s3://bucket/prefix``): where runners put them and the merge reads them.

boto3 (the ``[aws]`` extra) is imported only here and only when an ``s3://``
address is used. The endpoint, region and credentials are AWS's standard
configuration (``AWS_ENDPOINT_URL``, ``AWS_PROFILE``, instance roles…).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from generator.errors import RunbooksError, UsageError

__all__ = ["S3_SCHEME", "RemoteFile", "is_s3", "parse_s3", "put_text", "read_all"]

S3_SCHEME = "s3://"
INSTALL_HINT = "s3:// needs boto3: install runbooks[aws]"


@dataclass(frozen=True)
class RemoteFile:
    name: str  # s3://bucket/key
    text: str
    stored_at: datetime  # when the object store received it (its own clock)


def is_s3(address: str) -> bool:
    return address.startswith(S3_SCHEME)


def parse_s3(address: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → (bucket, "some/prefix")."""
    bucket, _, prefix = address[len(S3_SCHEME):].partition("/")
    if not is_s3(address) or not bucket:
        raise UsageError(f"{address}: expected s3://bucket/prefix")
    return bucket, prefix.strip("/")


def _client() -> Any:
    try:
        import boto3
    except ImportError:
        raise RunbooksError(INSTALL_HINT) from None
    return boto3.client("s3")


def _failed(address: str, exc: Exception) -> RunbooksError:
    return RunbooksError(f"{address}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


def put_text(address: str, name: str, text: str) -> str:
    """Put ``text`` at ``address``/``name``; return its s3:// address."""
    bucket, prefix = parse_s3(address)
    key = f"{prefix}/{name}" if prefix else name
    try:
        _client().put_object(Bucket=bucket, Key=key, Body=text.encode("utf-8"), ContentType="application/json")
    except Exception as exc:  # botocore's errors: no credentials, no bucket, endpoint down
        raise _failed(f"s3://{bucket}/{key}", exc) from None
    return f"s3://{bucket}/{key}"


def read_all(address: str, suffix: str = ".json") -> list[RemoteFile]:
    """Every object under the prefix whose name ends with ``suffix``, oldest first."""
    bucket, prefix = parse_s3(address)
    client = _client()
    found: list[RemoteFile] = []
    try:
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/" if prefix else "")
        for page in pages:
            for item in page.get("Contents", []):
                if item["Key"].endswith(suffix):
                    body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                    found.append(RemoteFile(f"s3://{bucket}/{item['Key']}", body.decode("utf-8"), item["LastModified"]))
    except Exception as exc:
        raise _failed(address, exc) from None
    return sorted(found, key=lambda f: (f.stored_at, f.name))
