//! PDF reports, rendered by greffier-report in a child process so typst's memory is given back.

use greffier_core::Certificate;

pub fn render_certificate(_certificate: &Certificate) -> Result<Vec<u8>, std::io::Error> {
    Err(std::io::Error::other("PDF certificates are not in this build yet: save as .csv"))
}
