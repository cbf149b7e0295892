/* pd-print-format.h: how printed papers write money and dates, Vietnamese style.
 *
 * Receipts carry the amount in figures and in words; both are written the Vietnamese way
 * whatever the language of the interface, because the paper is for the citizen and the
 * accounts.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 1405000 -> "1.405.000 đ". */
char *pd_print_format_money      (gint64       amount);
/* 1405000 -> "Một triệu bốn trăm linh năm nghìn đồng". @amount must not be negative. */
char *pd_print_amount_in_words   (gint64       amount);
/* "dd/mm/yyyy". */
char *pd_print_format_date       (const GDate *date);
/* "HH:MM dd/mm/yyyy" in the time zone of @time. */
char *pd_print_format_date_time  (GDateTime  *time);

G_END_DECLS
