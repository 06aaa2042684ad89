#!/usr/bin/python3
"""The listing floor: how fast the emulator itself serves a container's listing to a client that does
nothing with it. Lists the way our engine does (one `/`-delimited request for the first level, then
each folder flat, 8 at a time, metadata included, as a sync needs the source times), counts the
blobs and prints the count and the seconds the listing took (Python's start-up left out). No
parsing beyond counting: what remains is the server's time.

  list_floor.py CONTAINER_SAS_URL
"""
import concurrent.futures
import re
import sys
import time
import urllib.parse
import urllib.request


def pages(base, sas, **params):
    marker = ""
    while True:
        query = {"restype": "container", "comp": "list", "include": "metadata", "maxresults": "5000", **params}
        if marker:
            query["marker"] = marker
        body = urllib.request.urlopen(f"{base}?{urllib.parse.urlencode(query)}&{sas}").read().decode()
        yield body
        found = re.search(r"<NextMarker>([^<]+)</NextMarker>", body)
        if not found:
            return
        marker = found.group(1)


def count_flat(base, sas, prefix):
    return sum(body.count("<Blob>") for body in pages(base, sas, prefix=prefix))


def main(url):
    started = time.perf_counter()
    base, sas = url.split("?", 1)
    top, folders = 0, []
    for body in pages(base, sas, delimiter="/"):
        top += body.count("<Blob>")
        folders += re.findall(r"<BlobPrefix><Name>([^<]+)</Name>", body)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        inside = sum(pool.map(lambda f: count_flat(base, sas, f), folders))
    print(top + inside, f"{time.perf_counter() - started:.6f}")


if __name__ == "__main__":
    main(sys.argv[1])
