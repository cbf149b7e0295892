/* pd-central-seed.c: demo offices, officers, codes, declarations and status changes. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-central-applications.h"
#include "pd-central-identity.h"
#include "pd-central-seed.h"
#include "pd-declaration-code.h"
#include "pd-demo.h"
#include "pd-dossier.h"

/* The passport offices (Phòng Quản lý xuất nhập cảnh) of three provinces, with the ward
 * names of the 2025 reorganisation. Demo data: check before relying on the addresses. */
static const struct {
  const char *code;
  const char *name;
  const char *address;
  const char *province_code;
} offices[] = {
  { "HN01", "Phòng Quản lý xuất nhập cảnh, Công an thành phố Hà Nội",
    "44 Phạm Ngọc Thạch, phường Kim Liên, thành phố Hà Nội", "01" },
  { "HCM01", "Phòng Quản lý xuất nhập cảnh, Công an Thành phố Hồ Chí Minh",
    "196 Nguyễn Thị Minh Khai, phường Xuân Hòa, Thành phố Hồ Chí Minh", "79" },
  { "DN01", "Phòng Quản lý xuất nhập cảnh, Công an thành phố Đà Nẵng",
    "78 Lê Lợi, phường Hải Châu, thành phố Đà Nẵng", "48" },
};

static const struct {
  const char *username;
  const char *display_name;
  const char *role;
  const char *password;
} officers[] = {
  { "officer1", "Nguyễn Thị Lan", "officer", "officer1-demo" },
  { "supervisor1", "Trần Văn Minh", "supervisor", "supervisor1-demo" },
  { "volunteer1", "Lê Thu Hà", "volunteer", "volunteer1-demo" },
};

/* Reasons as a processing centre would write them, in Vietnamese: they are data. */
static const char * const rejection_reasons[] = {
  "Ảnh chân dung không đạt yêu cầu (nền không phải màu trắng). Đề nghị nộp lại ảnh.",
  "Thông tin nơi sinh không khớp với Cơ sở dữ liệu quốc gia về dân cư. Đề nghị kiểm tra lại.",
};

static gboolean
seed_offices (PdCentralDb  *db,
              GError      **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (offices); i++)
    if (!pd_central_db_add_office (db, offices[i].code, offices[i].name, offices[i].address,
                                   offices[i].province_code, error))
      return FALSE;
  return TRUE;
}

static gboolean
seed_codes (PdCentralDb  *db,
            const char   *office_code,
            GString      *report,
            GError      **error)
{
  g_string_append_printf (report, "%s\n", _("Enrollment codes (each works once):"));
  for (guint i = 0; i < G_N_ELEMENTS (offices); i++)
    {
      guint n = g_str_equal (offices[i].code, office_code) ? 3 : 1;

      for (guint j = 0; j < n; j++)
        {
          g_autofree char *code = pd_central_db_new_enrollment_code (db, offices[i].code, "counter", error);

          if (code == NULL)
            return FALSE;
          g_string_append_printf (report, "  %-6s %s\n", offices[i].code, code);
        }
    }
  return TRUE;
}

static gboolean
seed_declarations (PdCentralDb  *db,
                   const char   *office_code,
                   const char   *province_code,
                   guint         n,
                   GError      **error)
{
  g_autoptr(PdReference) reference = NULL;
  g_autoptr(GRand) rand = g_rand_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gint64 filed_at = g_date_time_to_unix (now) - 7 * 24 * 3600;

  if (n == 0)
    return TRUE;
  reference = pd_reference_new_from_directory (pd_reference_get_default_directory (), error);
  if (reference == NULL)
    return FALSE;

  if (!pd_central_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PdDossier) dossier = pd_demo_dossier_new (reference, rand, now);
      g_autoptr(JsonNode) node = pd_dossier_to_json (dossier, TRUE);
      g_autofree char *code = pd_declaration_code_generate (province_code, error);

      if (code == NULL)
        goto fail;
      /* Filed over the last week, oldest first, like a portal's queue. */
      filed_at += g_rand_int_range (rand, 1, MAX (2, 7 * 24 * 3600 / (gint32) n));
      if (!pd_central_db_add_declaration (db, code, office_code, filed_at, node, error))
        goto fail;
    }
  return pd_central_db_commit (db, error);

fail:
  pd_central_db_rollback (db);
  return FALSE;
}

static gboolean
advance (PdCentralDb  *db,
         const char   *from,
         guint         every,
         const char   *to,
         guint        *n_changed,
         GError      **error)
{
  g_autoptr(GPtrArray) ids = pd_central_db_list_packets_with_status (db, from, error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i += every)
    {
      const char *status = to;
      const char *reason = NULL;

      /* Every fifth application that would be ready is rejected instead. */
      if (g_str_equal (to, "ready") && (i / every) % 5 == 4)
        {
          status = "rejected";
          reason = rejection_reasons[(i / every / 5) % G_N_ELEMENTS (rejection_reasons)];
        }
      if (!pd_central_db_set_status (db, g_ptr_array_index (ids, i), status, reason, now, error))
        return FALSE;
      (*n_changed)++;
    }
  return TRUE;
}

gboolean
pd_central_seed_demo (PdCentralDb  *db,
                      const char   *office_code,
                      guint         n_declarations,
                      GString      *report,
                      GError      **error)
{
  g_autoptr(JsonNode) office = NULL;
  g_autofree char *province_code = NULL;
  guint n_changed = 0;

  if (!seed_offices (db, error))
    return FALSE;
  office = pd_central_db_get_office (db, office_code, &province_code, error);
  if (office == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (officers); i++)
    if (!pd_central_db_add_officer (db, officers[i].username, officers[i].display_name,
                                    officers[i].role, office_code, officers[i].password, error))
      return FALSE;
  g_string_append_printf (report, _("Officers of %s: %s"), office_code, PD_CENTRAL_DEMO_PASSWORDS);
  g_string_append_c (report, '\n');

  if (!seed_codes (db, office_code, report, error) ||
      !seed_declarations (db, office_code, province_code, n_declarations, error))
    return FALSE;
  g_string_append_printf (report, g_dngettext (NULL, "%u online declaration filed for %s\n",
                                               "%u online declarations filed for %s\n", n_declarations),
                          n_declarations, office_code);

  /* Processing first, so that one run moves each application one step only. */
  if (!advance (db, "processing", 2, "ready", &n_changed, error) ||
      !advance (db, "received", 2, "processing", &n_changed, error))
    return FALSE;
  g_string_append_printf (report, g_dngettext (NULL, "%u status change for received applications\n",
                                               "%u status changes for received applications\n", n_changed),
                          n_changed);
  return TRUE;
}
