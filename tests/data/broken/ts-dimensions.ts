# expect: 7:1 a series with 1 dimensions; the header says @dimensions 2 (line 4)
@problemName Broken
@univariate false
@dimensions 2
@classLabel true a b
@data
1,2,3:a
