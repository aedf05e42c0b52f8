module github.com/policylens/policylens

go 1.26
