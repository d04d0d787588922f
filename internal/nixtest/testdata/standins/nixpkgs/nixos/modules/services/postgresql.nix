# services.postgresql stand-in: the options a service module sets, typed as
# NixOS types them (nixos/modules/services/databases/postgresql.nix), the
# ensureDBOwnership assertion, and the units and target it defines since
# NixOS 25.11 (postgresql.target needs postgresql.service and
# postgresql-setup.service, which creates the databases and roles).
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types mkIf;
  cfg = config.services.postgresql;
  clause = mkOption { type = types.nullOr types.bool; default = null; };
in
{
  options.services.postgresql = {
    enable = mkOption { type = types.bool; default = false; };
    enableTCPIP = mkOption { type = types.bool; default = false; };
    ensureDatabases = mkOption { type = types.listOf types.str; default = [ ]; };
    ensureUsers = mkOption {
      type = types.listOf (types.submodule {
        options = {
          name = mkOption { type = types.str; };
          ensureDBOwnership = mkOption { type = types.bool; default = false; };
          ensureClauses = mkOption {
            type = types.submodule {
              options = {
                superuser = clause;
                createrole = clause;
                createdb = clause;
                "inherit" = clause;
                login = clause;
                replication = clause;
                bypassrls = clause;
              };
            };
            default = { };
          };
        };
      });
      default = [ ];
    };
    settings = mkOption {
      type = types.submodule {
        freeformType = types.attrsOf (types.oneOf [ types.bool types.float types.int types.str ]);
        options.port = mkOption { type = types.port; default = 5432; };
      };
      default = { };
    };
  };

  config = mkIf cfg.enable {
    assertions = map ({ name, ensureDBOwnership, ... }: {
      assertion = ensureDBOwnership -> lib.elem name cfg.ensureDatabases;
      message = "services.postgresql.ensureUsers: ${name} owns a database of its name, which ensureDatabases must list";
    }) cfg.ensureUsers;

    systemd.targets.postgresql = {
      description = "PostgreSQL";
      wantedBy = [ "multi-user.target" ];
      requires = [ "postgresql.service" "postgresql-setup.service" ];
    };
    systemd.services.postgresql = {
      description = "PostgreSQL Server";
      after = [ "network.target" ];
      serviceConfig = {
        ExecStart = "${pkgs.postgresql}/bin/postgres";
        User = "postgres";
        Group = "postgres";
        RuntimeDirectory = "postgresql";
      };
    };
    systemd.services.postgresql-setup = {
      description = "PostgreSQL Setup Scripts";
      requires = [ "postgresql.service" ];
      after = [ "postgresql.service" ];
      script = lib.concatMapStrings (db: "createdb ${lib.escapeShellArg db}\n") cfg.ensureDatabases;
      serviceConfig = {
        Type = "oneshot";
        User = "postgres";
        Group = "postgres";
      };
    };
  };
}
