#!/usr/bin/env python3
"""Nightly backup of the uploads folder."""

import datetime
import os
import subprocess
import sys

BACKUP_DIR = "/var/backups/app"


def archive(source):
    stamp = datetime.date.today().isoformat()
    name = f"{BACKUP_DIR}/uploads-{stamp}.tar.gz"
    subprocess.call(f"tar -czf {name} {source}", shell=True)
    return name


def prune(days):
    os.system(f"find {BACKUP_DIR} -mtime +{days} -delete")


def upload(path, bucket):
    cmd = f"aws s3 cp {path} s3://{bucket}/"
    status = subprocess.call(cmd, shell=True)
    if status != 0:
        print("upload failed", file=sys.stderr)
    return status


def report():
    usage = os.popen("du -sh " + BACKUP_DIR).read()
    print(usage)


if __name__ == "__main__":
    upload(archive(sys.argv[1]), sys.argv[2])
    prune(14)
    report()
