# The nixpkgs branch this copy of the stand-in stands for, a key of
# channels.json; null (this checked-in copy) has every Go the table lists.
# nixtest writes it into a per-branch copy from the flake input's URL.
null
