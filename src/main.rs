//! The `stsgate` command line. Only argument handling lives here; the work is
//! in the library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use stsgate::bootstrap::{BootstrapError, bootstrap};
use stsgate::config::{FileConfig, Overrides, Settings};
use stsgate::core::arn::AccountId;
use stsgate::core::seal::SealKey;
use stsgate::keys::load_or_create_master_key;
use stsgate::mock_idp::MockIdp;
use stsgate::{demo, http, service};

#[derive(Parser)]
#[command(
    name = "stsgate",
    version,
    about = "Identity federation gateway speaking the AWS STS and IAM APIs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the STS/IAM Query API.
    Serve(ServeArgs),
    /// Create the account and its administrator user (once per store).
    Bootstrap(BootstrapArgs),
    /// Run the mock OIDC identity provider on its own.
    MockIdp(MockIdpArgs),
    /// Work with IAM policy documents locally.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Evaluate policy files against actions and resources, one line per pair.
    Simulate(PolicySimulateArgs),
}

#[derive(Args)]
struct PolicySimulateArgs {
    /// Identity policy file (repeatable).
    #[arg(long = "policy", required = true)]
    policies: Vec<PathBuf>,
    /// Permissions boundary policy file (repeatable).
    #[arg(long = "boundary")]
    boundaries: Vec<PathBuf>,
    /// Action to evaluate, e.g. iam:CreateUser (repeatable).
    #[arg(long = "action", required = true)]
    actions: Vec<String>,
    /// Resource ARN (repeatable; default `*`).
    #[arg(long = "resource")]
    resources: Vec<String>,
    /// Context entry key=value (repeatable; a repeated key is multi-valued).
    #[arg(long = "context")]
    context: Vec<String>,
}

#[derive(Args, Clone)]
struct StoreArgs {
    /// TOML config file (flags and STSGATE_* variables take precedence).
    #[arg(long, env = "STSGATE_CONFIG")]
    config: Option<PathBuf>,
    /// Directory for the embedded SQLite store and the master key file.
    #[arg(long, env = "STSGATE_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// postgres://… selects PostgreSQL (several nodes can share it).
    #[arg(long, env = "STSGATE_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Address to listen on (default 127.0.0.1:8090).
    #[arg(long, env = "STSGATE_LISTEN")]
    listen: Option<String>,
    /// Accept plain-http OIDC issuers (development only; --demo turns it on).
    #[arg(long, env = "STSGATE_ALLOW_HTTP_ISSUERS")]
    allow_http_issuers: bool,
    /// Roles allowed per account (default 500).
    #[arg(long, env = "STSGATE_MAX_ROLES_PER_ACCOUNT")]
    max_roles_per_account: Option<usize>,
    /// Where Google's OIDC discovery document is fetched from.
    #[arg(long, env = "STSGATE_GOOGLE_DISCOVERY_URL")]
    google_discovery_url: Option<String>,
    /// URL prefixes the SAML ACS may redirect to when RelayState names one
    /// (comma-separated; default none: RelayState is only shown).
    #[arg(
        long,
        env = "STSGATE_SAML_RELAY_STATE_DESTINATIONS",
        value_delimiter = ','
    )]
    saml_relay_state_destinations: Option<Vec<String>>,
    /// Seed a demo account, run the mock IdP in-process and print commands to try.
    #[arg(long)]
    demo: bool,
}

#[derive(Args)]
struct BootstrapArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The 12-digit account id to create.
    #[arg(long)]
    account_id: String,
    /// Name of the administrator user.
    #[arg(long, default_value = "admin")]
    user_name: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct MockIdpArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8091")]
    listen: String,
    /// Issuer URL (default: http(s)://LISTEN).
    #[arg(long)]
    issuer: Option<String>,
    /// Serve https with a generated self-signed certificate (its SHA-1 thumbprint is printed).
    #[arg(long)]
    tls: bool,
}

/// A usage/config error: one line naming the bad value, exit code 2.
fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("stsgate: {message}");
    ExitCode::from(2)
}

fn settings(store: &StoreArgs, over: Overrides) -> Result<Settings, String> {
    let file = match &store.config {
        Some(path) => FileConfig::load(path)?,
        None => FileConfig::default(),
    };
    Settings::resolve(
        file,
        Overrides {
            data_dir: store.data_dir.clone(),
            database_url: store.database_url.clone(),
            ..over
        },
    )
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("STSGATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,actix_server=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Local, synchronous: no runtime needed.
    if let Command::Policy {
        command: PolicyCommand::Simulate(args),
    } = &cli.command
    {
        return policy_simulate(args);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    match cli.command {
        Command::Serve(args) => runtime.block_on(serve(args)),
        Command::Bootstrap(args) => runtime.block_on(run_bootstrap(args)),
        Command::MockIdp(args) => runtime.block_on(run_mock_idp(args)),
        Command::Policy { .. } => ExitCode::SUCCESS,
    }
}

fn policy_simulate(args: &PolicySimulateArgs) -> ExitCode {
    let args = stsgate::cli_policy::SimulateArgs {
        policies: args.policies.clone(),
        boundaries: args.boundaries.clone(),
        actions: args.actions.clone(),
        resources: args.resources.clone(),
        context: args.context.clone(),
    };
    match stsgate::cli_policy::simulate_files(&args) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

async fn serve(args: ServeArgs) -> ExitCode {
    init_tracing();
    let over = Overrides {
        listen: args.listen.clone(),
        max_roles_per_account: args.max_roles_per_account,
        allow_http_issuers: args.allow_http_issuers || args.demo,
        google_discovery_url: args.google_discovery_url.clone(),
        saml_relay_state_destinations: args.saml_relay_state_destinations.clone(),
        ..Default::default()
    };
    let settings = match settings(&args.store, over) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let listener = match std::net::TcpListener::bind(&settings.listen) {
        Ok(l) => l,
        Err(e) => return fail(format!("cannot listen on {}: {e}", settings.listen)),
    };
    let local = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => return fail(format!("cannot read the listen address: {e}")),
    };
    let base_url = settings.public_url.clone().unwrap_or_else(|| {
        let host = if local.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else {
            local.ip().to_string()
        };
        format!("http://{host}:{}", local.port())
    });
    let (state, cached) = match service::build_state(settings).await {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let _invalidation = service::start_cache_invalidation(&cached, &state.settings);
    let mock = if args.demo {
        let issuer = format!("{base_url}/mock-idp");
        let idp = match MockIdp::new(issuer.clone()) {
            Ok(idp) => Arc::new(idp),
            Err(e) => return fail(format!("cannot start the mock IdP: {e}")),
        };
        match demo::seed(&state, &issuer).await {
            Ok(info) => println!("{}", demo::instructions(&base_url, &info)),
            Err(e) => return fail(format!("cannot seed the demo: {e}")),
        }
        Some(idp)
    } else {
        None
    };
    let server = match http::run(listener, state, move |cfg| {
        if let Some(idp) = &mock {
            cfg.service(actix_web::web::scope("/mock-idp").configure(|c| idp.configure(c)));
        }
    }) {
        Ok(s) => s,
        Err(e) => return fail(format!("cannot start the server: {e}")),
    };
    tracing::info!(%base_url, "stsgate listening");
    let handle = server.handle();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            handle.stop(true).await;
        }
    });
    match server.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(format!("server error: {e}")),
    }
}

async fn run_bootstrap(args: BootstrapArgs) -> ExitCode {
    let Some(account) = AccountId::parse(&args.account_id) else {
        return fail(format!(
            "invalid --account-id '{}': expected 12 digits",
            args.account_id
        ));
    };
    let mut v = stsgate::core::validate::Validator::new();
    v.check(
        "UserName",
        &args.user_name,
        &stsgate::core::validate::USER_NAME,
    );
    if let Err(e) = v.finish() {
        return fail(format!(
            "invalid --user-name '{}': {}",
            args.user_name, e.message
        ));
    }
    let settings = match settings(&args.store, Overrides::default()) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let store = match service::open_store(&settings).await {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let master = match load_or_create_master_key(&settings.master_key_file) {
        Ok(k) => SealKey::new(&k),
        Err(e) => return fail(e),
    };
    let now = stsgate::app::Clock::default().now();
    match bootstrap(store.as_ref(), &master, &account, &args.user_name, now).await {
        Ok(out) => {
            if args.json {
                match serde_json::to_string(&out) {
                    Ok(json) => println!("{json}"),
                    Err(e) => return fail(format!("cannot encode the result: {e}")),
                }
            } else {
                println!(
                    "Created account {} and administrator {}.\nAccess key id:     {}\nSecret access key: {}\nThe secret is shown only now; store it safely.",
                    out.account_id,
                    out.user_arn,
                    out.access_key_id,
                    out.secret_access_key.expose()
                );
            }
            ExitCode::SUCCESS
        }
        Err(BootstrapError::AlreadyBootstrapped(accounts)) => fail(format!(
            "this store is already bootstrapped (account {}); bootstrap runs once per store",
            accounts
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Err(BootstrapError::Store(e)) => fail(format!("bootstrap failed: {e}")),
    }
}

async fn run_mock_idp(args: MockIdpArgs) -> ExitCode {
    init_tracing();
    let listener = match std::net::TcpListener::bind(&args.listen) {
        Ok(l) => l,
        Err(e) => return fail(format!("cannot listen on {}: {e}", args.listen)),
    };
    let local = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => return fail(format!("cannot read the listen address: {e}")),
    };
    let scheme = if args.tls { "https" } else { "http" };
    let issuer = args.issuer.unwrap_or_else(|| format!("{scheme}://{local}"));
    let tls = if args.tls {
        let host = local.ip().to_string();
        let (config, thumbprint) =
            match stsgate::mock_idp::self_signed_tls(&[host.as_str(), "localhost"]) {
                Ok(t) => t,
                Err(e) => return fail(format!("cannot create a TLS certificate: {e}")),
            };
        println!("TLS certificate thumbprint (SHA-1): {thumbprint}");
        Some(config)
    } else {
        None
    };
    let idp = match MockIdp::new(issuer.clone()) {
        Ok(idp) => Arc::new(idp),
        Err(e) => return fail(format!("cannot start the mock IdP: {e}")),
    };
    println!("mock OIDC provider: {issuer}");
    let server = match stsgate::mock_idp::serve(listener, idp, tls).await {
        Ok(s) => s,
        Err(e) => return fail(format!("cannot start the mock IdP: {e}")),
    };
    match server.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(format!("mock IdP error: {e}")),
    }
}
