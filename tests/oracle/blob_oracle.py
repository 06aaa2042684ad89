#!/usr/bin/python3
"""Independent read-back of a container, for the tests: Azure's own Python SDK (Debian's
python3-azure-storage), never our engine.

  blob_oracle.py CONNECTION_STRING create-container NAME
  blob_oracle.py CONNECTION_STRING inventory NAME [PREFIX]
      one JSON object per blob: name, size, contentMd5 (base64 or null), md5OfContent (hex of the
      downloaded bytes), contentType, metadata, cacheControl, accessTier, tags, lastModified, etag
  blob_oracle.py CONNECTION_STRING names NAME [PREFIX]
      committed blob names only, one per line (cheap)
  blob_oracle.py CONNECTION_STRING uncommitted NAME BLOB
      the number of uncommitted blocks staged for BLOB (0 when it has none or does not exist)
  blob_oracle.py CONNECTION_STRING committed-blocks NAME BLOB
      the sizes of BLOB's committed blocks, space-separated (empty for a blob put in one request)
  blob_oracle.py CONNECTION_STRING put NAME BLOB FILE [MTIME_METADATA]
      uploads FILE as BLOB (to set up a destination behind our engine's back)
  blob_oracle.py CONNECTION_STRING put-claiming-md5 NAME BLOB FILE BASE64_MD5
      uploads FILE as BLOB with a Content-MD5 property of our choosing (to test MD5 checks)
  blob_oracle.py CONNECTION_STRING sas NAME [PERMISSIONS]
      prints the container's URL with a one-day SAS (default permissions rwdl)
"""
import base64
import hashlib
import json
import sys

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient


def main(argv):
    conn, command, container = argv[1], argv[2], argv[3]
    service = BlobServiceClient.from_connection_string(conn)
    client = service.get_container_client(container)
    if command == "create-container":
        try:
            client.create_container()
        except ResourceExistsError:
            pass
    elif command == "names":
        prefix = argv[4] if len(argv) > 4 else None
        for blob in client.list_blobs(name_starts_with=prefix):
            print(blob.name)
    elif command == "inventory":
        prefix = argv[4] if len(argv) > 4 else None
        for blob in client.list_blobs(name_starts_with=prefix, include=["metadata"]):
            data = client.download_blob(blob.name).readall()
            md5 = blob.content_settings.content_md5
            print(json.dumps({
                "name": blob.name,
                "size": blob.size,
                "contentMd5": base64.b64encode(bytes(md5)).decode() if md5 else None,
                "md5OfContent": hashlib.md5(data).hexdigest(),
                "contentType": blob.content_settings.content_type,
                "metadata": blob.metadata or {},
                "cacheControl": blob.content_settings.cache_control,
                "accessTier": blob.blob_tier,
                "tags": client.get_blob_client(blob.name).get_blob_tags(),
                "lastModified": blob.last_modified.isoformat(),
                "etag": blob.etag,
            }, ensure_ascii=False))
    elif command == "uncommitted":
        try:
            _, uncommitted = client.get_blob_client(argv[4]).get_block_list("uncommitted")
            print(len(uncommitted))
        except ResourceNotFoundError:
            print(0)
    elif command == "committed-blocks":
        committed, _ = client.get_blob_client(argv[4]).get_block_list("committed")
        print(" ".join(str(block.size) for block in committed))
    elif command == "put":
        blob, path = argv[4], argv[5]
        metadata = {"mtime": argv[6]} if len(argv) > 6 else None
        with open(path, "rb") as f:
            client.upload_blob(blob, f, overwrite=True, metadata=metadata)
    elif command == "put-claiming-md5":
        from azure.storage.blob import ContentSettings
        blob, path, md5 = argv[4], argv[5], argv[6]
        with open(path, "rb") as f:
            blob_client = client.upload_blob(blob, f, overwrite=True)
        # Set as a property afterwards: the service would refuse a wrong MD5 sent with the content.
        blob_client.set_http_headers(ContentSettings(content_md5=bytearray(base64.b64decode(md5))))
    elif command == "sas":
        import datetime
        from azure.storage.blob import ContainerSasPermissions, generate_container_sas
        permission = ContainerSasPermissions.from_string(argv[4] if len(argv) > 4 else "rwdl")
        expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
        sas = generate_container_sas(service.account_name, container, account_key=service.credential.account_key,
                                     permission=permission, expiry=expiry)
        print(f"{client.url}?{sas}")
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8")
    main(sys.argv)
