#!/usr/bin/env python3
"""Fills a data directory served by a release's `motcua serve` with a few dossiers, for the
upgrade test's fixture (tests/operations.rs, `a_data_directory_of_the_previous_release_is_served`).

    motcua-OLD serve --addr 127.0.0.1:8290 --data-dir /tmp/fixture/data &
    scripts/make-upgrade-fixture.py http://127.0.0.1:8290 "motcua-OLD token tuphap.motcua --data-dir /tmp/fixture/data" \
        > tests/fixtures/upgrade.json
    kill %1; motcua backup --data-dir /tmp/fixture/data --to tests/fixtures/upgrade.tar.gz

It files a citizen's criminal-record request online (then received at the desk) and a
transport company's licence request (a name of eight words), and prints their codes and lookup secrets as JSON. Standard library only.
"""

import hashlib
import json
import shlex
import struct
import subprocess
import sys
import urllib.request
import zlib


def png():
    """A 2x2 grey PNG."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x80\x80" for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def call(base, method, path, body=None, token=None, raw=None, content_type="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("content-type", content_type)
    if token:
        request.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def file_online(base, procedure, components, applicant, phone):
    documents = []
    for i, component in enumerate(components):
        name = f"giay-to-{i + 1}.png"
        bytes_ = png()
        announced = {"file_name": name, "size": len(bytes_), "media_type": "image/png",
                     "sha256": hashlib.sha256(bytes_).hexdigest()}
        upload = call(base, "POST", "/v1/uploads", announced)
        call(base, "PUT", upload["upload"]["url"], raw=bytes_, content_type="image/png")
        documents.append({"component": component, "file_name": name, "upload": upload["id"],
                          "sha256": upload["sha256"]})
    filing = {"procedure_code": procedure, "applicant": dict(applicant, phone=phone), "documents": documents}
    answer = call(base, "POST", "/v1/dossiers", filing)
    return answer["code"], answer["lookup_secret"]


def main():
    base, token_command = sys.argv[1], sys.argv[2]
    token = subprocess.run(shlex.split(token_command), check=True, capture_output=True, text=True).stdout.split()[-1]
    citizen = {"kind": "citizen", "name": "Nguyễn Thị Minh Khai", "citizen_id": "079203009876"}
    company = {"kind": "organisation", "name": "Công ty TNHH Vận tải Minh Phát Hưng Yên", "tax_code": "0312345678"}
    received, secret = file_online(base, "2.000488", ["Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
                                                      "Bản chụp giấy tờ tùy thân"], citizen, "0912000001")
    call(base, "POST", f"/v1/dossiers/{received}/receive", {}, token=token)
    filed, filed_secret = file_online(base, "1.002856", ["Giấy đề nghị cấp Giấy phép kinh doanh",
                                                         "Phương án kinh doanh"], company, "0912000002")
    json.dump({"received": {"code": received, "lookup_secret": secret},
               "filed": {"code": filed, "lookup_secret": filed_secret, "name": company["name"]}},
              sys.stdout, ensure_ascii=False, indent=2)
    print()


if __name__ == "__main__":
    main()
