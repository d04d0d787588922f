{
  description = "nixtest sample host flake (nixosSystem + deploy-rs)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.05";
    deploy-rs.url = "github:serokell/deploy-rs";
    deploy-rs.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { self, nixpkgs, deploy-rs }: {
    nixosConfigurations.web = nixpkgs.lib.nixosSystem {
      modules = [
        ({ modulesPath, lib, ... }: {
          imports = [ (modulesPath + "/profiles/qemu-guest.nix") ];
          nixpkgs.hostPlatform = "x86_64-linux";
          networking.hostName = "web";
          boot.loader.systemd-boot.enable = true;
          boot.loader.efi.canTouchEfiVariables = true;
          fileSystems."/" = { device = "/dev/disk/by-label/nixos"; fsType = "ext4"; };
          fileSystems."/boot" = { device = "/dev/disk/by-label/boot"; fsType = "vfat"; options = [ "umask=0077" ]; };
          services.openssh = { enable = true; settings.PasswordAuthentication = false; };
          services.nginx = {
            enable = true;
            recommendedProxySettings = true;
            virtualHosts."example.org" = {
              enableACME = true;
              forceSSL = true;
              locations."/".proxyPass = "http://127.0.0.1:8080";
            };
          };
          security.acme = { acceptTerms = true; defaults.email = "admin@example.org"; };
          users.users.deploy = {
            isNormalUser = true;
            extraGroups = [ "wheel" ];
            openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ0c3RhbmRpbg deploy" ];
          };
          nix.settings.trusted-users = [ "deploy" ];
          system.stateVersion = "25.05";
        })
      ];
    };

    deploy.nodes.web = {
      hostname = "web.example.org";
      sshUser = "deploy";
      user = "root";
      magicRollback = true;
      autoRollback = true;
      profiles.system.path = deploy-rs.lib.x86_64-linux.activate.nixos self.nixosConfigurations.web;
    };

    checks = builtins.mapAttrs (system: deployLib: deployLib.deployChecks self.deploy) deploy-rs.lib;
  };
}
