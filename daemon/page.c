/*
 * page.c: GET /, the status page: one self-contained HTML document, the
 * tree as a table (usable without JavaScript).
 */
#include <stdint.h>
#include <stdlib.h>

#include "arbord.h"
#include "http.h"
#include "snapshot.h"
#include "status.h"
#include "tree.h"

/* Append S with HTML's special characters escaped. */
static void
html_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			buf_add(b, "&lt;", 4);
			break;
		case '>':
			buf_add(b, "&gt;", 4);
			break;
		case '&':
			buf_add(b, "&amp;", 5);
			break;
		case '"':
			buf_add(b, "&quot;", 6);
			break;
		default:
			buf_add(b, s, 1);
		}
	}
}

void
page_html(struct buf *out)
{
	struct status *st = snapshot_status(supervise_tree()->root);

	buf_printf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>arbor</title></head><body>\n"
	    "<table id=\"tree\"><tr><th>node</th><th>state</th><th>pid</th>"
	    "</tr>\n");
	for (size_t i = 0; i < status_count(st); i++) {
		buf_add(out, "<tr><td>", 8);
		html_text(out, st->nodes[i].path);
		buf_add(out, "</td><td>", 9);
		html_text(out, st->nodes[i].state);
		buf_printf(out, "</td><td>%ld</td></tr>\n", st->nodes[i].pid);
	}
	buf_add(out, "</table>\n</body></html>\n", 24);
	status_free(st);
}
