# services.mysql stand-in: the options a service module sets, typed as
# NixOS types them (nixos/modules/services/databases/mysql.nix): package
# has no default there either, and ensurePermissions maps a database
# pattern to privileges. The unit is mysql.service, its socket
# /run/mysqld/mysqld.sock.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types mkIf;
  cfg = config.services.mysql;
in
{
  options.services.mysql = {
    enable = mkOption { type = types.bool; default = false; };
    package = mkOption { type = types.package; };
    ensureDatabases = mkOption { type = types.listOf types.str; default = [ ]; };
    ensureUsers = mkOption {
      type = types.listOf (types.submodule {
        options = {
          name = mkOption { type = types.str; };
          ensurePermissions = mkOption { type = types.attrsOf types.str; default = { }; };
        };
      });
      default = [ ];
    };
    settings = mkOption {
      type = types.attrsOf (types.attrsOf (types.oneOf [ types.bool types.int types.str (types.listOf types.str) ]));
      default = { };
    };
  };

  config = mkIf cfg.enable {
    systemd.services.mysql = {
      description = "MySQL Server";
      after = [ "network.target" ];
      wantedBy = [ "multi-user.target" ];
      serviceConfig = {
        ExecStart = "${cfg.package}/bin/mysqld";
        User = "mysql";
        Group = "mysql";
        RuntimeDirectory = "mysqld";
      };
    };
  };
}
