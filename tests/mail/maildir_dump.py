#!/usr/bin/python3
"""Prints the mail of a Maildir as JSON, decoded by Python's own e-mail parser, so the
mail tests check what a real mail reader makes of VivroVert's messages.

Usage: /usr/bin/python3 maildir_dump.py MAILDIR
Output: a JSON list, one object per message: to, from, subject (RFC 2047 decoded),
message_id, content_type, rcpt_to (envelope, from the server), list_unsubscribe and
list_unsubscribe_post (RFC 8058 headers, "" when absent), the decoded text and html parts
with their charsets, and headers: every header of the message, in order, as [name, value]
pairs (values unfolded, as a mail reader sees them).
"""
import email.policy
import json
import mailbox
import os
import sys


def main():
    folder = sys.argv[1]
    messages = []
    if os.path.isdir(os.path.join(folder, "new")):
        box = mailbox.Maildir(folder, factory=None, create=False)
        for key in sorted(box.keys()):
            with box.get_file(key) as raw:
                message = email.message_from_binary_file(raw, policy=email.policy.default)
            entry = {
                "to": str(message.get("To", "")),
                "from": str(message.get("From", "")),
                "subject": str(message.get("Subject", "")),
                "message_id": str(message.get("Message-ID", "")).strip(),
                "content_type": message.get_content_type(),
                "rcpt_to": str(message.get("X-RcptTo", "")),
                "list_unsubscribe": str(message.get("List-Unsubscribe", "")),
                "list_unsubscribe_post": str(message.get("List-Unsubscribe-Post", "")),
                "text": None, "text_charset": None, "html": None, "html_charset": None,
                "headers": [[name, str(value)] for name, value in message.items()],
            }
            for part in message.walk():
                kind = part.get_content_type()
                if kind in ("text/plain", "text/html") and not part.is_multipart():
                    name = "text" if kind == "text/plain" else "html"
                    entry[name] = part.get_content()
                    entry[name + "_charset"] = part.get_content_charset()
            messages.append(entry)
    json.dump(messages, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
