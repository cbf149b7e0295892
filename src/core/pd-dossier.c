/* pd-dossier.c: one passport application and its JSON form. */
#define G_LOG_DOMAIN "pd-dossier"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-dossier.h"

struct _PdDossier
{
  GObject   parent_instance;

  char     *values[PD_N_FIELDS];
  gint64    id;
  char     *uuid;
  PdStatus  status;
  char     *status_reason;
  gint64    created_at;
  gint64    updated_at;
  GBytes   *photo;
  char     *application_number;
  char     *accepted_on;
  char     *accepted_by;
  guint     purged : 1;
};

G_DEFINE_FINAL_TYPE (PdDossier, pd_dossier, G_TYPE_OBJECT)

/* Every field of the declaration is also a string property, so that a form can bind to it. */
enum {
  PROP_0,
  PROP_ID,
  PROP_UUID,
  PROP_STATUS,
  PROP_STATUS_REASON,
  PROP_PURGED,
  PROP_FIRST_FIELD,
  N_PROPS = PROP_FIRST_FIELD + PD_N_FIELDS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (pd-dossier-error-quark, pd_dossier_error)

/* GLib 2.74 has no g_set_str(). */
static gboolean
set_string (char       **target,
            const char  *value)
{
  if (g_strcmp0 (*target, value) == 0)
    return FALSE;
  g_free (*target);
  *target = g_strdup (value);
  return TRUE;
}

static void
pd_dossier_finalize (GObject *object)
{
  PdDossier *self = (PdDossier *) object;

  for (guint i = 0; i < PD_N_FIELDS; i++)
    g_free (self->values[i]);
  g_free (self->uuid);
  g_free (self->status_reason);
  g_free (self->application_number);
  g_free (self->accepted_on);
  g_free (self->accepted_by);
  g_clear_pointer (&self->photo, g_bytes_unref);

  G_OBJECT_CLASS (pd_dossier_parent_class)->finalize (object);
}

static void
pd_dossier_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PdDossier *self = PD_DOSSIER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_STATUS:
      g_value_set_string (value, pd_status_to_string (self->status));
      break;
    case PROP_STATUS_REASON:
      g_value_set_string (value, self->status_reason);
      break;
    case PROP_PURGED:
      g_value_set_boolean (value, self->purged);
      break;
    default:
      if (prop_id >= PROP_FIRST_FIELD && prop_id < N_PROPS)
        g_value_set_string (value, self->values[prop_id - PROP_FIRST_FIELD]);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_dossier_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  PdDossier *self = PD_DOSSIER (object);

  switch (prop_id)
    {
    case PROP_ID:
      pd_dossier_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_UUID:
      pd_dossier_set_uuid (self, g_value_get_string (value));
      break;
    case PROP_STATUS:
      {
        PdStatus status = pd_status_from_string (g_value_get_string (value));
        if (status != PD_STATUS_INVALID)
          pd_dossier_set_status (self, status);
      }
      break;
    case PROP_STATUS_REASON:
      pd_dossier_set_status_reason (self, g_value_get_string (value));
      break;
    case PROP_PURGED:
      pd_dossier_set_purged (self, g_value_get_boolean (value));
      break;
    default:
      if (prop_id >= PROP_FIRST_FIELD && prop_id < N_PROPS)
        pd_dossier_set_field (self, prop_id - PROP_FIRST_FIELD, g_value_get_string (value));
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_dossier_class_init (PdDossierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_dossier_finalize;
  object_class->get_property = pd_dossier_get_property;
  object_class->set_property = pd_dossier_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, "draft",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_REASON] =
    g_param_spec_string ("status-reason", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PURGED] =
    g_param_spec_boolean ("purged", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  for (guint i = 0; i < PD_N_FIELDS; i++)
    {
      /* Property names are the JSON keys with dashes; interned once, so static is true. */
      g_autofree char *name = g_strdelimit (g_strdup (pd_field_get_key (i)), "_", '-');

      properties[PROP_FIRST_FIELD + i] =
        g_param_spec_string (g_intern_string (name), NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    }

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pd_dossier_init (PdDossier *self)
{
  self->status = PD_STATUS_DRAFT;
}

PdDossier *
pd_dossier_new (void)
{
  return g_object_new (PD_TYPE_DOSSIER, NULL);
}

const char *
pd_dossier_get_field (PdDossier *self,
                      PdField    field)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), NULL);
  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, NULL);

  return self->values[field];
}

/* Values are kept canonical: valid UTF-8 in NFC, trimmed, inner runs of white space folded to
 * one space, and an empty value is no value. Names typed on different keyboards (composed or
 * combining diacritics) then compare and index the same way. */
/* Most values are ASCII or precomposed Vietnamese letters, already canonical: checking that is
 * several times cheaper than normalising, and the demo and bulk imports write millions. */
static gboolean
is_canonical_fast (const char *value)
{
  gboolean previous_space = TRUE;
  const char *p;

  for (p = value; *p; )
    {
      gunichar c;

      if ((guchar) *p < 0x80)
        {
          if (*p == ' ')
            {
              if (previous_space)
                return FALSE;
              previous_space = TRUE;
            }
          else if (!g_ascii_isprint (*p))
            return FALSE;
          else
            previous_space = FALSE;
          p++;
          continue;
        }

      c = g_utf8_get_char_validated (p, -1);
      /* Latin-1, Latin Extended-A/B and Latin Extended Additional hold only NFC-stable
       * precomposed letters; anything else (combining marks, other scripts) takes the slow path. */
      if (!((c >= 0xC0 && c <= 0x24F) || (c >= 0x1E00 && c <= 0x1EFF)) || c == 0xD7 || c == 0xF7)
        return FALSE;
      previous_space = FALSE;
      p = g_utf8_next_char (p);
    }

  return p != value && !previous_space;
}

static char *
canonicalize (const char *value)
{
  g_autofree char *valid = NULL;
  g_autofree char *nfc = NULL;
  GString *out;
  gboolean in_space = FALSE;

  if (value == NULL)
    return NULL;
  if (is_canonical_fast (value))
    return g_strdup (value);

  valid = g_utf8_make_valid (value, -1);
  nfc = g_utf8_normalize (valid, -1, G_NORMALIZE_NFC);
  if (nfc == NULL)
    return NULL;

  out = g_string_sized_new (strlen (nfc));
  for (const char *p = nfc; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == 0)
        {
          in_space = out->len > 0;
          continue;
        }
      if (in_space)
        g_string_append_c (out, ' ');
      in_space = FALSE;
      g_string_append_unichar (out, c);
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

void
pd_dossier_set_field (PdDossier  *self,
                      PdField     field,
                      const char *value)
{
  g_autofree char *canonical = NULL;

  g_return_if_fail (PD_IS_DOSSIER (self));
  g_return_if_fail (field >= 0 && field < PD_N_FIELDS);

  canonical = canonicalize (value);
  if (g_strcmp0 (canonical, self->values[field]) == 0)
    return;

  g_free (self->values[field]);
  self->values[field] = g_steal_pointer (&canonical);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_FIELD + field]);
}

gint64
pd_dossier_get_id (PdDossier *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), 0);
  return self->id;
}

void
pd_dossier_set_id (PdDossier *self,
                   gint64     id)
{
  g_return_if_fail (PD_IS_DOSSIER (self));
  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
pd_dossier_get_uuid (PdDossier *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), NULL);
  return self->uuid;
}

void
pd_dossier_set_uuid (PdDossier  *self,
                     const char *uuid)
{
  g_return_if_fail (PD_IS_DOSSIER (self));
  if (set_string (&self->uuid, uuid))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UUID]);
}

PdStatus
pd_dossier_get_status (PdDossier *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), PD_STATUS_DRAFT);
  return self->status;
}

void
pd_dossier_set_status (PdDossier *self,
                       PdStatus   status)
{
  g_return_if_fail (PD_IS_DOSSIER (self));
  g_return_if_fail (status >= 0 && status < PD_N_STATUSES);
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

const char *
pd_dossier_get_status_reason (PdDossier *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), NULL);
  return self->status_reason;
}

void
pd_dossier_set_status_reason (PdDossier  *self,
                              const char *reason)
{
  g_return_if_fail (PD_IS_DOSSIER (self));
  if (set_string (&self->status_reason, reason))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_REASON]);
}

const char *
pd_dossier_get_application_number (PdDossier *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), NULL);
  return self->application_number;
}

void
pd_dossier_set_application_number (PdDossier  *self,
                                   const char *number)
{
  g_return_if_fail (PD_IS_DOSSIER (self));
  set_string (&self->application_number, number);
}

const char *
pd_dossier_get_accepted_on (PdDossier *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), NULL);
  return self->accepted_on;
}

void
pd_dossier_set_accepted_on (PdDossier  *self,
                            const char *iso_date)
{
  g_return_if_fail (PD_IS_DOSSIER (self));
  set_string (&self->accepted_on, iso_date);
}

const char *
pd_dossier_get_accepted_by (PdDossier *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), NULL);
  return self->accepted_by;
}

void
pd_dossier_set_accepted_by (PdDossier  *self,
                            const char *full_name)
{
  g_return_if_fail (PD_IS_DOSSIER (self));
  set_string (&self->accepted_by, full_name);
}

gint64
pd_dossier_get_created_at (PdDossier *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), 0);
  return self->created_at;
}

void
pd_dossier_set_created_at (PdDossier *self,
                           gint64     unix_seconds)
{
  g_return_if_fail (PD_IS_DOSSIER (self));
  self->created_at = unix_seconds;
}

gint64
pd_dossier_get_updated_at (PdDossier *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), 0);
  return self->updated_at;
}

void
pd_dossier_set_updated_at (PdDossier *self,
                           gint64     unix_seconds)
{
  g_return_if_fail (PD_IS_DOSSIER (self));
  self->updated_at = unix_seconds;
}

gboolean
pd_dossier_get_purged (PdDossier *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), FALSE);
  return self->purged;
}

void
pd_dossier_set_purged (PdDossier *self,
                       gboolean   purged)
{
  g_return_if_fail (PD_IS_DOSSIER (self));
  purged = !!purged;
  if (self->purged == purged)
    return;
  self->purged = purged;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PURGED]);
}

/**
 * pd_dossier_get_photo:
 *
 * Returns: (transfer none) (nullable): the accepted 4x6 photo as JPEG bytes
 */
GBytes *
pd_dossier_get_photo (PdDossier *self)
{
  g_return_val_if_fail (PD_IS_DOSSIER (self), NULL);
  return self->photo;
}

void
pd_dossier_set_photo (PdDossier *self,
                      GBytes    *jpeg)
{
  g_return_if_fail (PD_IS_DOSSIER (self));
  if (jpeg)
    g_bytes_ref (jpeg);
  g_clear_pointer (&self->photo, g_bytes_unref);
  self->photo = jpeg;
}

gboolean
pd_parse_iso_date (const char *text,
                   GDate      *date)
{
  unsigned year, month, day;
  char tail;

  g_return_val_if_fail (date != NULL, FALSE);

  g_date_clear (date, 1);
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  if (sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &tail) != 3)
    return FALSE;
  if (!g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

/* Completed years of age on @today, or -1 when the birth date is missing or invalid. */
int
pd_dossier_get_age (PdDossier *self,
                    GDate     *today)
{
  GDate birth;
  int age;

  g_return_val_if_fail (PD_IS_DOSSIER (self), -1);
  g_return_val_if_fail (today != NULL, -1);

  if (!pd_parse_iso_date (self->values[PD_FIELD_BIRTH_DATE], &birth))
    return -1;
  if (g_date_compare (&birth, today) > 0)
    return -1;

  age = g_date_get_year (today) - g_date_get_year (&birth);
  if (g_date_get_month (today) < g_date_get_month (&birth) ||
      (g_date_get_month (today) == g_date_get_month (&birth) &&
       g_date_get_day (today) < g_date_get_day (&birth)))
    age--;
  return age;
}

/* Applicants under 14 use TK01a, signed by a legal representative. */
gboolean
pd_dossier_is_minor_form (PdDossier *self,
                          GDate     *today)
{
  int age = pd_dossier_get_age (self, today);

  return age >= 0 && age < 14;
}

JsonNode *
pd_dossier_to_json (PdDossier *self,
                    gboolean   include_personal)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (PD_IS_DOSSIER (self), NULL);

  json_builder_begin_object (builder);
  if (self->id > 0)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, self->id);
    }
  if (self->uuid)
    {
      json_builder_set_member_name (builder, "uuid");
      json_builder_add_string_value (builder, self->uuid);
    }
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, pd_status_to_string (self->status));
  if (self->status_reason)
    {
      json_builder_set_member_name (builder, "status_reason");
      json_builder_add_string_value (builder, self->status_reason);
    }
  if (self->created_at)
    {
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_int_value (builder, self->created_at);
    }
  if (self->updated_at)
    {
      json_builder_set_member_name (builder, "updated_at");
      json_builder_add_int_value (builder, self->updated_at);
    }
  if (self->purged)
    {
      json_builder_set_member_name (builder, "purged");
      json_builder_add_boolean_value (builder, TRUE);
    }

  for (guint i = 0; i < PD_N_FIELDS; i++)
    {
      if (self->values[i] == NULL)
        continue;
      if (!include_personal && pd_field_is_personal (i))
        continue;
      json_builder_set_member_name (builder, pd_field_get_key (i));
      json_builder_add_string_value (builder, self->values[i]);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Accepts the object pd_dossier_to_json() writes. Unknown keys are refused rather than
 * dropped, so that a typo in an import file is seen instead of losing the value. */
PdDossier *
pd_dossier_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(PdDossier) self = NULL;
  JsonObject *object;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PD_DOSSIER_ERROR, PD_DOSSIER_ERROR_FORMAT,
                   _("An application must be a JSON object"));
      return NULL;
    }

  self = pd_dossier_new ();
  object = json_node_get_object (node);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, &value))
    {
      PdField field = pd_field_from_key (member);
      GType type = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;

      if (JSON_NODE_HOLDS_NULL (value))
        continue;

      if (g_str_equal (member, "id") || g_str_equal (member, "created_at") ||
          g_str_equal (member, "updated_at"))
        {
          if (type != G_TYPE_INT64 || json_node_get_int (value) < 0)
            goto wrong_type;
          if (member[0] == 'i')
            self->id = json_node_get_int (value);
          else if (member[0] == 'c')
            self->created_at = json_node_get_int (value);
          else
            self->updated_at = json_node_get_int (value);
          continue;
        }
      if (g_str_equal (member, "purged"))
        {
          if (type != G_TYPE_BOOLEAN)
            goto wrong_type;
          self->purged = json_node_get_boolean (value);
          continue;
        }

      if (type != G_TYPE_STRING)
        {
          /* Numbers are accepted for numeric fields: "counter": 3 is what people write. */
          if (field != PD_FIELD_INVALID && type == G_TYPE_INT64 &&
              pd_field_get_info (field)->kind == PD_FIELD_KIND_NUMBER)
            {
              g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
              pd_dossier_set_field (self, field, text);
              continue;
            }
          goto wrong_type;
        }

      if (field != PD_FIELD_INVALID)
        pd_dossier_set_field (self, field, json_node_get_string (value));
      else if (g_str_equal (member, "uuid"))
        {
          /* The central system keys applications by uuid: one it cannot read would wait
           * in the outbox for ever. */
          if (!g_uuid_string_is_valid (json_node_get_string (value)))
            {
              g_set_error (error, PD_DOSSIER_ERROR, PD_DOSSIER_ERROR_FORMAT,
                           _("“%s” is not a valid uuid. Remove the uuid member and a new one is "
                             "given when the application is stored."), json_node_get_string (value));
              return NULL;
            }
          pd_dossier_set_uuid (self, json_node_get_string (value));
        }
      else if (g_str_equal (member, "status_reason"))
        pd_dossier_set_status_reason (self, json_node_get_string (value));
      else if (g_str_equal (member, "status"))
        {
          PdStatus status = pd_status_from_string (json_node_get_string (value));

          if (status == PD_STATUS_INVALID)
            {
              g_set_error (error, PD_DOSSIER_ERROR, PD_DOSSIER_ERROR_FORMAT,
                           _("Unknown status “%s”"), json_node_get_string (value));
              return NULL;
            }
          pd_dossier_set_status (self, status);
        }
      else
        {
          g_set_error (error, PD_DOSSIER_ERROR, PD_DOSSIER_ERROR_FORMAT,
                       _("Unknown field “%s” in the application"), member);
          return NULL;
        }
      continue;

    wrong_type:
      g_set_error (error, PD_DOSSIER_ERROR, PD_DOSSIER_ERROR_FORMAT,
                   _("The field “%s” has the wrong type"), member);
      return NULL;
    }

  return g_steal_pointer (&self);
}

PdDossier *
pd_dossier_copy (PdDossier *self)
{
  PdDossier *copy;

  g_return_val_if_fail (PD_IS_DOSSIER (self), NULL);

  copy = pd_dossier_new ();
  for (guint i = 0; i < PD_N_FIELDS; i++)
    copy->values[i] = g_strdup (self->values[i]);
  copy->id = self->id;
  copy->uuid = g_strdup (self->uuid);
  copy->status = self->status;
  copy->status_reason = g_strdup (self->status_reason);
  copy->created_at = self->created_at;
  copy->updated_at = self->updated_at;
  copy->purged = self->purged;
  copy->application_number = g_strdup (self->application_number);
  copy->accepted_on = g_strdup (self->accepted_on);
  copy->accepted_by = g_strdup (self->accepted_by);
  if (self->photo)
    copy->photo = g_bytes_ref (self->photo);
  return copy;
}
