# nixpkgs keeps maintainers and teams beside lib/, not in it: a few real
# entries, so meta.maintainers can be type-checked.
{
  maintainers = {
    ipetkov = { name = "Ivan Petkovic"; github = "ipetkov"; githubId = 1466566; };
    zimbatm = { name = "zimbatm"; github = "zimbatm"; githubId = 3248; };
  };
  teams = { };
}
