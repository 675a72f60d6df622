import socket, sys, time, os
# slowsse.py PORT TOKEN READY_FILE GO_FILE (t_http_stream): open /events,
# create READY_FILE, read nothing until GO_FILE exists, then read to EOF
# (30 s at most without data) and print the bytes read.
port, token, ready, go = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", port))
s.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode() + b"\r\n\r\n")
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.05)
s.settimeout(30)
n = 0
while True:
    d = s.recv(65536)
    if not d:
        break
    n += len(d)
print(n)
