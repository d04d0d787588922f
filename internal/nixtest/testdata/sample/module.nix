# A sample service module, shaped like the ones nixgen generates.
self:
{ config, lib, pkgs, ... }:
let
  cfg = config.services.demo;
  format = pkgs.formats.toml { };
in
{
  options.services.demo = {
    enable = lib.mkEnableOption "demo";
    package = lib.mkOption {
      type = lib.types.package;
      default = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      defaultText = lib.literalExpression "self.packages.\${pkgs.stdenv.hostPlatform.system}.default";
    };
    listenAddress = lib.mkOption { type = lib.types.str; default = "127.0.0.1"; };
    port = lib.mkOption { type = lib.types.port; default = 8080; };
    user = lib.mkOption { type = lib.types.str; default = "demo"; };
    openFirewall = lib.mkOption { type = lib.types.bool; default = false; };
    environmentFile = lib.mkOption {
      type = lib.types.nullOr (lib.types.pathWith { inStore = false; absolute = true; });
      default = null;
    };
    settings = lib.mkOption {
      type = lib.types.submodule { freeformType = format.type; };
      default = { };
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = !(cfg.openFirewall && cfg.listenAddress == "127.0.0.1");
        message = "services.demo.openFirewall has no effect while services.demo.listenAddress is 127.0.0.1";
      }
    ];
    warnings = lib.optional (cfg.port < 1024) "services.demo.port ${toString cfg.port} needs CAP_NET_BIND_SERVICE";
    networking.firewall.allowedTCPPorts = lib.mkIf cfg.openFirewall [ cfg.port ];
    systemd.services.demo = {
      description = "Demo service";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      startLimitIntervalSec = 300;
      startLimitBurst = 5;
      environment = {
        DEMO_LISTEN = "${cfg.listenAddress}:${toString cfg.port}";
        DEMO_USER = cfg.user;
      };
      serviceConfig = {
        ExecStart = "${lib.getExe cfg.package} --config ${format.generate "demo.toml" cfg.settings}";
        EnvironmentFile = lib.mkIf (cfg.environmentFile != null) cfg.environmentFile;
        Restart = "on-failure";
        RestartSec = "5s";
        DynamicUser = true;
        StateDirectory = "demo";
        NoNewPrivileges = true;
        ProtectSystem = "strict";
        ProtectHome = true;
        PrivateTmp = true;
        PrivateDevices = true;
        PrivateUsers = true;
        DevicePolicy = "closed";
        PrivateMounts = true;
        ProtectKernelTunables = true;
        ProtectKernelModules = true;
        ProtectKernelLogs = true;
        ProtectControlGroups = true;
        ProtectClock = true;
        ProtectHostname = true;
        ProtectProc = "invisible";
        ProcSubset = "pid";
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        LockPersonality = true;
        RemoveIPC = true;
        SystemCallArchitectures = "native";
        UMask = "0077";
        MemoryDenyWriteExecute = true;
        RestrictAddressFamilies = [ "AF_UNIX" "AF_INET" "AF_INET6" ];
        SystemCallFilter = [ "@system-service" "~@privileged" ];
        CapabilityBoundingSet = [ "" ];
        AmbientCapabilities = [ "" ];
        IPAddressDeny = "any";
        IPAddressAllow = "localhost";
      };
    };
  };
}
