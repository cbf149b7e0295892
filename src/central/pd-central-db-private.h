/* pd-central-db-private.h: PdCentralDb's fields, for the files that make up the object. */
#pragma once

#include <sodium.h>

#include "pd-central-db.h"

G_BEGIN_DECLS

struct _PdCentralDb
{
  GObject             parent_instance;

  /* Its set_error words a failure as the central server does (pd-central-db.c). */
  PdSqliteConnection  conn;
  /* sodium_malloc'ed: box secret key (32) then sign secret key (64). */
  guint8             *secrets;
  guint8              box_public_key[crypto_box_PUBLICKEYBYTES];
  guint8              sign_public_key[crypto_sign_PUBLICKEYBYTES];
  /* How long after its sign-in a token still proves an acceptance (seconds). */
  gint64              acceptance_window;
};

G_END_DECLS
