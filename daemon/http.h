/*
 * http.h: the read-only HTTP endpoint ([arbor] http): probes, the status
 * document, the event stream, metrics and the status page, served by
 * libmicrohttpd from arbord's own event loop.
 */
#ifndef ARBOR_HTTP_H
#define ARBOR_HTTP_H

#include "util.h"

struct config;
struct event;

/*
 * Bind and serve CONF's http address (nothing if it has none): 0, or -1
 * after logging why (bind, token file).
 */
int	http_init(const struct config *conf);
/* An event happened: stream it to /events followers. */
void	http_event(const struct event *);
/* Close the endpoint and every connection; a unix socket's file goes. */
void	http_close(void);

/* metrics.c: GET /metrics, Prometheus text exposition format 0.0.4. */
void	metrics_event(const struct event *);
void	metrics_text(struct buf *out);
/* page.c: GET /, the status page (one self-contained HTML document),
   its inline style and script marked with NONCE (the CSP header's). */
void	page_html(struct buf *out, const char *nonce);

#endif
