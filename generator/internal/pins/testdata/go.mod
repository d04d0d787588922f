module example.org/tool

go 1.22

require example.org/dep v1.0.0
