//! PDF reports (certificates), rendered by greffier-report.

use greffier_core::Certificate;

use crate::context::CliError;

pub fn render_certificate(_certificate: &Certificate) -> Result<Vec<u8>, CliError> {
    Err(CliError::Usage {
        en: "PDF certificates are not in this build yet: export to .csv or .json.".into(),
        fr: "Les certificats PDF ne sont pas encore dans cette version : exportez en .csv ou .json.".into(),
    })
}
