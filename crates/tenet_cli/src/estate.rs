//! Reading an estate for `tenet graph` and `tenet who-can` (with `tenet_prove::estate`'s reader,
//! which `estate` headers use too), printing its diagnostics.
//!
//! `ESTATE` is a directory (with `estate.toml`, an iam-collect download, or authorization-details
//! outputs) or a manifest file; paths in a manifest are relative to the nearest directory above it
//! that holds `estate.toml` (so variants can sit in a subdirectory), else to its own directory.
//!
//! `ESTATE` may also be infrastructure as code about to be deployed: a CloudFormation template
//! (JSON, YAML, CDK's `*.template.json`) or a Terraform plan (`terraform show -json`) given as a
//! file, or a directory of `.tf` files or templates without `estate.toml`; `--account`, `--region`
//! and `--parameter` say what the template leaves to deployment time.

use std::path::Path;

use tenet_graph::Loaded;

/// What infrastructure as code read as an estate leaves to deployment time.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct IacArgs {
    /// For a template, Terraform directory or plan: the account it deploys into (12 digits).
    #[arg(long)]
    pub account: Option<String>,
    /// For a template, Terraform directory or plan: the region it deploys into.
    #[arg(long)]
    pub region: Option<String>,
    /// For a template or Terraform directory: a parameter or variable, NAME=VALUE (repeatable).
    #[arg(long = "parameter", value_name = "NAME=VALUE")]
    pub parameters: Vec<String>,
}

impl IacArgs {
    fn options(&self) -> Result<tenet_iac::Options, String> {
        tenet_iac::Options::deployment(self.account.as_deref(), self.region.as_deref(), &self.parameters)
    }
}

/// Reads an estate; `Err` is a message for exit code 2 (diagnostics already printed).
pub fn read(estate: &Path, iac: &IacArgs) -> Result<Loaded, String> {
    let (root, sources, loaded) = tenet_prove::estate::read_estate(estate, &iac.options()?)?;
    eprint!("{}", tenet_prove::estate::render_reports(&root, &sources, &loaded));
    if loaded.has_errors() {
        return Err("the estate has errors: nothing was analysed".into());
    }
    let warnings = tenet_prove::estate::warning_count(&loaded);
    if warnings > 0 {
        eprintln!("tenet: {warnings} warning(s) while reading the estate");
    }
    Ok(loaded)
}
