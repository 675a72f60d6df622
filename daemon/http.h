/*
 * http.h: the read-only HTTP endpoint ([arbor] http): probes, the status
 * document, the event stream, metrics and the status page, served by
 * libmicrohttpd from arbord's own event loop.
 */
#ifndef ARBOR_HTTP_H
#define ARBOR_HTTP_H

#include <stdbool.h>

#include "util.h"

struct config;
struct event;

struct handoff_w;
struct strv;

/*
 * Bind and serve CONF's http address (nothing if it has none): 0, or -1
 * after logging why (bind, token file). A re-exec's new binary passes
 * the handoff (else NULL, 0): the socket the old one served the same
 * address on is taken over, never closed.
 */
int	http_init(const struct config *conf, const void *handoff, size_t len);
/* Re-exec: the listening socket's HR_FD record; kept across the exec. */
void	http_export(struct handoff_w *);
/*
 * A reload: the token file read again (another, or rewritten); with MOVE
 * (reexec --reload) a new address served instead (or none). What changed
 * goes to REPORT.
 */
void	http_reconfigure(const struct config *conf, bool move,
	    struct strv *report);
/* An event happened: stream it to /events followers. */
void	http_event(const struct event *);
/* Close the endpoint and every connection; a unix socket's file goes. */
void	http_close(void);

/* metrics.c: GET /metrics, Prometheus text exposition format 0.0.4. */
void	metrics_event(const struct event *);
/* Re-exec: the events counted, handed over and taken back. */
void	metrics_export(struct handoff_w *);
void	metrics_import(const void *handoff, size_t len);
void	metrics_text(struct buf *out);
/* page.c: GET /, the status page (one self-contained HTML document),
   its inline style and script marked with NONCE (the CSP header's). */
void	page_html(struct buf *out, const char *nonce);

#endif
