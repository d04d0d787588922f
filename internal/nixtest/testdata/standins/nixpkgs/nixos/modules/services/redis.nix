# services.redis stand-in: servers.<name> as NixOS types it
# (nixos/modules/services/databases/redis.nix) for what a service module
# sets and reads (unixSocket, user, group), and the redis-<name> unit.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  redisName = name: "redis" + lib.optionalString (name != "") ("-" + name);
  enabled = lib.filterAttrs (_: s: s.enable) config.services.redis.servers;
in
{
  options.services.redis.servers = mkOption {
    type = types.attrsOf (types.submodule ({ config, name, ... }: {
      options = {
        enable = lib.mkEnableOption "Redis server";
        bind = mkOption { type = types.nullOr types.str; default = "127.0.0.1"; };
        port = mkOption { type = types.port; default = if name == "" then 6379 else 0; };
        unixSocket = mkOption { type = types.nullOr types.path; default = "/run/${redisName name}/redis.sock"; };
        unixSocketPerm = mkOption { type = types.int; default = 660; };
        user = mkOption { type = types.str; default = redisName name; };
        group = mkOption { type = types.str; default = config.user; };
        requirePassFile = mkOption { type = types.nullOr types.path; default = null; };
        settings = mkOption { type = types.attrsOf (types.oneOf [ types.bool types.int types.str (types.listOf types.str) ]); default = { }; };
      };
    }));
    default = { };
  };

  config.systemd.services = lib.mapAttrs' (name: s: lib.nameValuePair (redisName name) {
    description = "Redis Server - ${redisName name}";
    wantedBy = [ "multi-user.target" ];
    after = [ "network.target" ];
    serviceConfig = {
      ExecStart = "${pkgs.redis}/bin/redis-server /var/lib/${redisName name}/redis.conf";
      User = s.user;
      Group = s.group;
      RuntimeDirectory = redisName name;
    };
  }) enabled;
}
