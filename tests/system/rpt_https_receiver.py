#!/usr/bin/python3
"""rpt_https_receiver.py: a TLSRPT report endpoint (RFC 8460 §5.4) for the
system tests (tlsrpt_world.sh, rpt_https_receiver).

    rpt_https_receiver.py ADDR PORT CERT KEY DIR

HTTPS on ADDR:PORT with CERT/KEY, HTTP/1.1 (keep-alive, Expect:
100-continue, Content-Length or chunked bodies).  Every POST, PUT or GET
request is numbered N = 1, 2, ... (after any N already in DIR) and
saved before it is answered:

    DIR/N.headers   the request line, then each header as received
                    ("Name: value"), LF line ends
    DIR/N.body      the body, byte for byte
    DIR/requests.log  one line per request, appended last:
                    "N METHOD PATH STATUS BYTES sni=NAME CONTENT-TYPE"
                    (the Content-Type is the rest of the line; "-" for
                    a missing Content-Type or SNI)

A POST is answered with the status read from DIR/status at that moment:
one status per line; the first line is used, and removed while more than
one remains: the lines 500 and 201 answer 500 once, then 201 for good.
No file (or an empty one): 200.  PUT and GET get 405; other methods
501, unsaved.  DIR/delay, if present, holds seconds to wait before
answering (to make a client time out).  Errors and TLS handshake
failures go to stderr.  Runs until killed.
"""

import http.server
import os
import re
import ssl
import sys
import threading
import time

BODY_MAX = 64 * 1024 * 1024
TIMEOUT = 30


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, cert, key, rdir):
        super().__init__(addr, Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        ctx.sni_callback = self._sni
        # The handshake runs in the request's thread (Handler.setup), so
        # that a client stuck in it cannot block the accept loop.
        self.socket = ctx.wrap_socket(self.socket, server_side=True,
                                      do_handshake_on_connect=False)
        self.dir = rdir
        self.lock = threading.Lock()
        self.count = max([int(m.group(1)) for m in
                          map(re.compile(r'^(\d+)\.headers$').match,
                              os.listdir(rdir)) if m] + [0])

    @staticmethod
    def _sni(sslsock, name, ctx):
        sslsock.rpt_sni = name

    def handle_error(self, request, client_address):
        err = sys.exc_info()[1]
        sys.stderr.write('%s %s: %s: %s\n' % (
            time.strftime('%H:%M:%S'), client_address[0],
            type(err).__name__, err))

    def next_status(self):
        """The status for a POST (DIR/status; see above).  Locked."""
        path = os.path.join(self.dir, 'status')
        try:
            with open(path) as f:
                lines = [s.strip() for s in f if s.strip()]
        except FileNotFoundError:
            lines = []
        if not lines:
            return 200
        if len(lines) > 1:
            with open(path + '.new', 'w') as f:
                f.write(''.join(s + '\n' for s in lines[1:]))
            os.replace(path + '.new', path)
        if not re.fullmatch(r'[1-5]\d\d', lines[0]):
            sys.stderr.write('bad status %r in %s: answering 500\n'
                             % (lines[0], path))
            return 500
        return int(lines[0])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'rpt-https-receiver'
    sys_version = ''

    def setup(self):
        self.request.settimeout(TIMEOUT)
        self.request.do_handshake()
        super().setup()

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        te = self.headers.get('Transfer-Encoding', '')
        if te.lower() == 'chunked':
            body = bytearray()
            while True:
                size = int(self.rfile.readline().split(b';')[0], 16)
                if size == 0:
                    break
                if len(body) + size > BODY_MAX:
                    raise ValueError('body too large')
                body += self.rfile.read(size)
                self.rfile.readline()
            while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                pass            # trailers
            return bytes(body)
        n = int(self.headers.get('Content-Length') or 0)
        if n > BODY_MAX:
            raise ValueError('body too large')
        return self.rfile.read(n)

    def handle_any(self):
        srv = self.server
        body = self.read_body()
        with srv.lock:
            srv.count += 1
            n = srv.count
            status = srv.next_status() if self.command == 'POST' else 405
            base = os.path.join(srv.dir, str(n))
            with open(base + '.body.new', 'wb') as f:
                f.write(body)
            with open(base + '.headers.new', 'w', newline='\n') as f:
                f.write(self.requestline + '\n')
                for k, v in self.headers.items():
                    f.write('%s: %s\n' % (k, v))
            os.replace(base + '.body.new', base + '.body')
            os.replace(base + '.headers.new', base + '.headers')
            with open(os.path.join(srv.dir, 'requests.log'), 'a') as f:
                f.write('%d %s %s %d %d sni=%s %s\n' % (
                    n, self.command, self.path, status, len(body),
                    getattr(self.request, 'rpt_sni', None) or '-',
                    self.headers.get('Content-Type', '-')))
        try:
            with open(os.path.join(srv.dir, 'delay')) as f:
                time.sleep(float(f.read().strip() or 0))
        except FileNotFoundError:
            pass
        reply = ('%d\n' % status).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_POST = do_PUT = do_GET = handle_any


def main():
    if len(sys.argv) != 6:
        sys.exit('usage: rpt_https_receiver.py ADDR PORT CERT KEY DIR')
    addr, port, cert, key, rdir = sys.argv[1:]
    srv = Receiver((addr, int(port)), cert, key, rdir)
    sys.stderr.write('listening on %s:%s\n' % (addr, port))
    sys.stderr.flush()
    srv.serve_forever()


if __name__ == '__main__':
    main()
